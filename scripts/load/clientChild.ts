import { createInterface } from 'node:readline';
import { CandidateCore } from '@exam/candidate-client/core';
import type { SiteTrust } from '@exam/crypto';

/**
 * A test machine in its own process, for the client-kill test. argv[2] is JSON:
 * { serverUrl, trust, journalPath, roomId, seatNo, ticketNo?, idNumber?, mode }. The machine's
 * key is the one beside the journal, approved for its seat by the parent before it starts.
 * - mode `write`: log in, save three answers and wait for their acks, print `acked N`,
 *   then on `go` (stdin) journal answers as fast as it can, printing each seq: the parent
 *   cuts the network first and SIGKILLs this process mid-write.
 * - mode `drain`: reopen the same journal (the session is in it), reconnect, and print
 *   `drained ACKSEQ` once nothing is pending.
 */
const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  serverUrl: string;
  /** The centre root and siteId the machine was installed with (TLS). */
  trust: SiteTrust;
  journalPath: string;
  roomId: string;
  seatNo: number;
  ticketNo?: string;
  idNumber?: string;
  mode: 'write' | 'drain';
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

const core = new CandidateCore({
  serverUrl: cfg.serverUrl,
  trust: cfg.trust,
  journalPath: cfg.journalPath,
  roomId: cfg.roomId,
  seatNo: cfg.seatNo,
  clientVersion: 'test',
  ackTimeoutMs: 2_000,
  backoff: { minMs: 50, baseMs: 200, maxMs: 1_000 },
});

if (cfg.mode === 'write') {
  await until(() => core.status().connected, 10_000, 'connected');
  await core.login(cfg.ticketNo!, cfg.idNumber!);
  await until(() => core.paper() !== null, 10_000, 'paper');
  for (let i = 0; i < 3; i++) core.saveAnswer('J-001', 'ABCD'[i]!);
  await until(() => core.status().pending === 0, 10_000, 'acked');
  say(`acked ${core.status().ackSeq}`);
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  // Bounded: the parent kills this process long before the loop ends.
  for (let i = 0; i < 100_000; i++) {
    // J-001 is a single choice and J-003 true/false in the test paper.
    const c = i % 2 === 0 ? core.saveAnswer('J-001', 'ABCD'[i % 4]!) : core.saveAnswer('J-003', i % 4 === 1);
    say(String(c.seq));
  }
  say('done');
} else {
  await until(() => core.status().connected && core.status().pending === 0, 20_000, 'drained');
  say(`drained ${core.status().ackSeq}`);
  core.close();
  process.exit(0);
}
