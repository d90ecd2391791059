import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AnswerJournal, loadOrCreateMachineKey, machineKeyPathIn } from '@exam/candidate-client/core';
import { idNumberFor, ticketFor } from '@exam/centre';
import {
  call,
  NetworkLink,
  preApproveMachine,
  proctorSocket,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './site.js';

const CHILD = join(REPO_ROOT, 'scripts/load/clientChild.ts');
const dir = mkdtempSync(join(tmpdir(), 'client-kill-'));
let site: TestSite;
let link: NetworkLink;
const children: ChildProcess[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const s of sockets) s.disconnect();
  await link?.close();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startChild(args: Record<string, unknown>): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no line from the client within ${ms} ms`)), ms);
  });
  try {
    const r = await Promise.race([lines.next(), timeout]);
    if (r.done) throw new Error('the client closed its output');
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}

describe('a candidate client killed mid-write', () => {
  it('keeps an intact journal with every reported answer, and sends the unsent ones after restart', async () => {
    site = await startTestSite({ rooms: 1, perRoom: 2 });
    link = await NetworkLink.create(site.url);
    const proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
    await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
    site.clock.set(site.juniorStart);
    expect(await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });

    const machine = {
      serverUrl: link.url,
      trust: site.trust,
      journalPath: join(dir, 'PC-R1-001.db'),
      roomId: 'R1',
      seatNo: 1,
    };
    // The machine check, the day before: its key made and approved for seat 1 (issue 16).
    const keyPath = machineKeyPathIn(dir);
    loadOrCreateMachineKey(keyPath);
    await preApproveMachine(site, { privateKey: readFileSync(keyPath, 'utf8'), roomId: 'R1', seatNo: 1 });
    const writer = startChild({
      ...machine,
      ticketNo: ticketFor(1, 1),
      idNumber: idNumberFor(1),
      mode: 'write',
    });
    expect(await nextLine(writer.lines, 20_000)).toBe('acked 3');

    // The network goes first, so what follows is journalled but never sent.
    link.sever();
    writer.child.stdin!.write('go\n');
    const reported: number[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      writer.child.once('exit', (_c, s) => resolve(s)),
    );
    while (reported.length < 150) reported.push(Number(await nextLine(writer.lines, 10_000)));
    writer.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // Lines already in the pipe were also appended (each is printed after its commit).
    for (;;) {
      const r = await Promise.race([
        writer.lines.next(),
        new Promise<null>((res) => setTimeout(() => res(null), 200)),
      ]);
      if (!r || r.done || r.value === 'done') break;
      reported.push(Number(r.value));
    }
    expect(reported.slice(0, 3)).toEqual([4, 5, 6]);

    // The journal opens intact and holds every answer the process reported, unacknowledged.
    const journal = AnswerJournal.open(machine.journalPath);
    try {
      expect(journal.quickCheck()).toBe('ok');
    } finally {
      journal.close();
    }
    const raw = new Database(machine.journalPath, { readonly: true });
    const unacked = raw
      .prepare('SELECT seq FROM answer_changes WHERE acked = 0 ORDER BY seq')
      .pluck()
      .all() as number[];
    raw.close();
    expect(unacked.slice(0, reported.length)).toEqual(reported);
    const last = unacked[unacked.length - 1]!;
    expect(
      site.server.ctx.db
        .prepare('SELECT max(seq) FROM answer_changes WHERE ticket_no = ?')
        .pluck()
        .get(ticketFor(1, 1)),
    ).toBe(3);

    // Restarted on the same journal with the network back: the backlog goes out, exactly once.
    link.heal();
    const drainer = startChild({ ...machine, mode: 'drain' });
    expect(await nextLine(drainer.lines, 30_000)).toBe(`drained ${last}`);
    const stored = site.server.ctx.db
      .prepare("SELECT seq FROM answer_changes WHERE ticket_no = ? AND sitting_id = 'S-J-ECON' ORDER BY seq")
      .pluck()
      .all(ticketFor(1, 1)) as number[];
    expect(stored).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  }, 60_000);
});
