import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../demo/simulatedCandidate.js';
import { GeneratorProcess } from './generatorClient.js';
import type { CandidateState } from './messages.js';
import {
  importPackages,
  prepareSite,
  type SiteProcess,
  startSiteProcess,
  stopProcess,
  writeChiefKey,
} from './site.js';
import { readAckLog, verifySiteDatabase } from './verify.js';

/**
 * The site server is killed with SIGKILL at random moments while a separate load generator
 * process keeps saving. SOAK=1 runs many more cycles with more candidates.
 */
const SOAK = process.env.SOAK === '1';
const CYCLES = SOAK ? 15 : 3;
const CANDIDATES = SOAK ? 400 : 40;
const RATE = CANDIDATES * 4; // four saves per candidate per second: far above real use

const dir = mkdtempSync(join(tmpdir(), 'site-kill-'));
let proc: SiteProcess | null = null;
let gen: GeneratorProcess | null = null;

afterAll(async () => {
  await gen?.close();
  if (proc) await stopProcess(proc.child);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the generator until every candidate satisfies `ok`, or fails after `ms`. */
async function waitForAll(ok: (c: CandidateState) => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  let last: CandidateState[] = [];
  while (Date.now() < deadline) {
    last = await gen!.state();
    if (last.every(ok)) return last;
    await sleep(100);
  }
  throw new Error(`${what}: ${last.filter((c) => !ok(c)).length} candidates not there after ${ms} ms`);
}

describe('kill -9 of the site server under load', () => {
  it(
    `keeps every acknowledged answer, an intact database and audit chain, and resynchronises every client over ${CYCLES} kills`,
    async () => {
      const random = prng(Date.now() & 0xffff);
      const site = prepareSite(dir, {
        candidates: CANDIDATES,
        perRoom: 20,
        // Due now: the start command is refused before the scheduled time.
        scheduledStart: Date.now(),
      });
      const dbPath = join(site.dataDir, 'site.db');
      proc = await startSiteProcess(site);
      await importPackages(proc, site);
      const ackLogPath = join(dir, 'acks.log');
      gen = await GeneratorProcess.start({
        url: proc.url,
        mode: 'site',
        candidates: CANDIDATES,
        perRoom: site.perRoom,
        ackLogPath,
        chiefKeyPath: writeChiefKey(site),
        siteId: 'SITE-T',
        centreRootPem: site.pki.centre.certPem,
        reconnect: true,
        seed: 7,
      });
      expect((await gen.setup()).loggedIn).toBe(CANDIDATES);
      expect((await gen.start()).holding).toBe(CANDIDATES);
      await gen.run(RATE);

      let acknowledgedBefore = 0;
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        // A random moment under load: commits, acks and WAL writes are all in flight.
        await sleep(300 + random() * 1200);
        await stopProcess(proc.child, 'SIGKILL');
        await gen.flush();
        const atKill = await gen.state();

        const verdict = verifySiteDatabase(dbPath, readAckLog(ackLogPath));
        expect(verdict, `cycle ${cycle}`).toMatchObject({
          quickCheck: 'ok',
          missing: [],
          altered: [],
          duplicated: [],
          audit: { ok: true },
        });
        expect(
          verdict.acknowledged,
          `cycle ${cycle}: saves were acknowledged since the last kill`,
        ).toBeGreaterThan(acknowledgedBefore);
        acknowledgedBefore = verdict.acknowledged;

        // Same port, as a restarted site server; the clients find it again on their own.
        proc = await startSiteProcess(site, { port: proc.port });
        const lastAtKill = new Map(atKill.map((c) => [c.ticketNo, c.lastSeq]));
        // Resynchronised: resumed, and everything made before the kill (acked or not) is acked now.
        await waitForAll((c) => c.ready && c.ackSeq >= lastAtKill.get(c.ticketNo)!, 20_000, `cycle ${cycle}`);
      }

      const stopped = await gen.stop(15_000);
      expect(stopped.lagging).toEqual([]);
      expect(stopped.reconnects).toBeGreaterThanOrEqual(CANDIDATES * CYCLES);
      const final = verifySiteDatabase(dbPath, readAckLog(ackLogPath));
      expect(final).toMatchObject({
        quickCheck: 'ok',
        missing: [],
        altered: [],
        duplicated: [],
        audit: { ok: true },
      });
      // Every change any candidate made is on the server: the totals meet.
      expect(final.acknowledged).toBe(stopped.totalSeq);
    },
    SOAK ? 900_000 : 90_000,
  );
});
