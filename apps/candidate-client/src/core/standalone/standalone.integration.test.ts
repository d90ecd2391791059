import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULES } from '@exam/domain';
import { openStandaloneAnswerFile, standaloneAnswerFileName } from '@exam/standalone';
import { testPki, testTrust } from '@exam/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  standaloneMachine,
  TEST_ID_NUMBER,
  writeTestPackage,
  wrongCodeFor,
} from '../../e2e/support/standalone.js';
import { CandidateHost } from '../../host/candidateHost.js';
import type { BridgeResult } from '../../shared/result.js';
import { scaledMonotonic } from '../clock.js';
import { StandaloneImporter } from './standaloneImporter.js';
import { StandaloneStore } from './standaloneStore.js';

/**
 * Standalone mode (issue 17) through the host and the core as the client runs them, on real
 * journal files and real packages (the test PKI's site signs, the centre seals the paper).
 * The site server address is a closed loopback port: nothing of this may need a network.
 */

const NO_SERVER = 'https://127.0.0.1:1';
let dir: string;
let dataDir: string;
let usb: string;
let hosts: CandidateHost[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'standalone-'));
  dataDir = join(dir, 'data');
  usb = join(dir, 'usb');
});

afterEach(() => {
  for (const h of hosts) h.close();
  hosts = [];
  rmSync(dir, { recursive: true, force: true });
});

function startHost(speed = 1): CandidateHost {
  const host = new CandidateHost({
    core: {
      ...(speed === 1 ? {} : { monotonicNow: scaledMonotonic(speed) }),
      serverUrl: NO_SERVER,
      trust: testTrust(),
      journalPath: join(dataDir, 'answers.db'),
      clientVersion: '0.1.0',
      tickMs: 50,
      backoff: { minMs: 1_000, baseMs: 1_000, maxMs: 5_000 },
    },
    machineFacts: () => ({
      os: 'Linux test',
      cpuModel: 'cpu',
      cpuCores: 2,
      cpuMhz: 1800,
      totalMemoryBytes: 4 * 1024 ** 3,
      freeMemoryBytes: 2 * 1024 ** 3,
      freeDiskBytes: 10 * 1024 ** 3,
      ipAddress: '127.0.0.1',
      clientVersion: '0.1.0',
    }),
  });
  hosts.push(host);
  return host;
}

function restart(host: CandidateHost): CandidateHost {
  host.close();
  hosts = hosts.filter((h) => h !== host);
  return startHost();
}

async function until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function value<T>(r: BridgeResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function code(r: BridgeResult<unknown>): string | null {
  return r.ok ? null : r.error.code;
}

/** Imports with the right code and waits for the standalone session to be up. */
async function importPackage(host: CandidateHost, path: string, code: string): Promise<void> {
  value(host.standaloneInspect(path));
  value(host.standaloneOpen(code));
  await until('standalone up', () => host.getState().connection === 'online');
}

const siteKey = () => ({ certPem: testPki().site.certPem, privateKeyPem: testPki().site.privateKeyPem });

describe('standalone mode on the candidate client', () => {
  it('imports, refuses a wrong code and a wrong ID, answers offline, resumes after a restart without the code, and hands in an answer file the site opens', async () => {
    const world = standaloneMachine(dataDir);
    const pkg = writeTestPackage(world, usb, { changes: 3 });
    let host = startHost();
    // Offline from the start: the machine never reached a site server.
    expect(host.getState().connection).not.toBe('online');
    expect(host.getState().machine.fingerprint.replace(/-/g, '').toLowerCase()).toBe(
      world.machineFingerprint.slice(0, host.getState().machine.fingerprint.replace(/-/g, '').length),
    );

    const header = value(host.standaloneInspect(pkg.path));
    expect(header).toMatchObject({ ticketNo: pkg.content.candidate.ticketNo, name: '张三', resumes: false });
    const wrong = host.standaloneOpen(wrongCodeFor(pkg.code));
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_WRONG_CODE', details: { remaining: RULES.standaloneCodeFailures - 1 } },
    });
    expect(host.getState().standalone).toBeNull();
    value(host.standaloneOpen(pkg.code.toLowerCase()));
    await until('standalone up', () => host.getState().connection === 'online');
    expect(host.getState().standalone).toMatchObject({ packageId: pkg.content.packageId, lastFile: null });

    expect(code(await host.login(pkg.content.candidate.ticketNo, '110101199001011234'))).toBe(
      'WRONG_ID_NUMBER',
    );
    expect(code(await host.login('210400199999', TEST_ID_NUMBER))).toBe('UNKNOWN_TICKET');
    value(await host.login(pkg.content.candidate.ticketNo, TEST_ID_NUMBER.toLowerCase()));
    await until('paper open', () => host.getState().paperOpen);
    expect(host.getState().phase).toBe('answering');
    // The server's answers are the package's: restored, and the next change is highestSeq + 1.
    expect(
      host
        .getAnswers()
        .map((a) => a.itemId)
        .sort(),
    ).toEqual([...new Set(pkg.content.changes.map((c) => c.itemId))].sort());
    const item = world.paper.items.find((i) => i.kind === 'single')!;
    expect(value(host.saveAnswer(item.id, 'C', false)).seq).toBe(pkg.content.highestSeq + 1);
    expect(value(host.saveAnswer(item.id, 'D', true)).seq).toBe(pkg.content.highestSeq + 2);
    const remainingBefore = host.getState().remainingMs!;
    expect(remainingBefore).toBeLessThanOrEqual(60 * 60_000);
    expect(remainingBefore).toBeGreaterThan(59 * 60_000);

    // Restart mid-session: the standalone session resumes from the journal, no code asked.
    await new Promise((r) => setTimeout(r, 1_200)); // let a checkpoint pass
    host = restart(host);
    await until('resumed', () => host.getState().paperOpen && host.getState().connection === 'online');
    const s = host.getState();
    expect(s.resumed).toBe(true);
    expect(s.candidate?.ticketNo).toBe(pkg.content.candidate.ticketNo);
    expect(s.remainingMs!).toBeLessThan(remainingBefore);
    expect(s.remainingMs!).toBeGreaterThan(remainingBefore - 5_000);
    expect(host.getAnswers().find((a) => a.itemId === item.id)).toEqual({
      itemId: item.id,
      value: 'D',
      flagged: true,
    });
    expect(value(host.saveAnswer(item.id, 'A', false)).seq).toBe(pkg.content.highestSeq + 3);

    // Too early to hand in (15 minutes before the end at the earliest): refused, nothing written.
    expect(code(await host.handIn())).toBe('TOO_EARLY');
    expect(host.getState().standalone?.lastFile).toBeNull();

    // The proctor's demand: an answer file now, without a hand-in.
    const first = value(host.standaloneWriteAnswerFile());
    expect(first).toMatchObject({ fileSeq: 1, handIn: false });
    expect(first.written.sort()).toEqual([join(dataDir, first.fileName), join(usb, first.fileName)].sort());

    // The site opens it with its key; every change above the package's, none of the package's.
    const opened = openStandaloneAnswerFile(readFileSync(join(usb, first.fileName)), {
      recipient: siteKey(),
      expectedMachinePublicKey: world.machine.publicKey,
    }).content;
    expect(opened).toMatchObject({
      packageId: pkg.content.packageId,
      fileSeq: 1,
      ticketNo: pkg.content.candidate.ticketNo,
      machineFingerprint: world.machineFingerprint,
      handIn: null,
    });
    expect(opened.changes.map((c) => [c.seq, c.value])).toEqual([
      [pkg.content.highestSeq + 1, 'C'],
      [pkg.content.highestSeq + 2, 'D'],
      [pkg.content.highestSeq + 3, 'A'],
    ]);
    // elapsedMs is the count since issuedAt: within the minute or so this test ran.
    for (const c of opened.changes) expect(c.elapsedMs).toBeLessThan(60_000);
    expect(opened.changes[2]!.elapsedMs).toBeGreaterThanOrEqual(opened.changes[1]!.elapsedMs);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp') || f.startsWith('.'))).toEqual([]);
  });

  it("imports a package a console built from its replica (the chief examiner's signature, a salted ID check) and logs in with the ID number", async () => {
    const world = standaloneMachine(dataDir);
    const chief = testPki().chief;
    const signer = { certPem: chief.certPem, chainPem: [], privateKeyPem: chief.privateKeyPem };
    const pkg = writeTestPackage(world, usb, {
      changes: 2,
      builtAtConsole: { signer, salt: '00112233445566778899aabbccddeeff' },
    });
    const host = startHost();
    await importPackage(host, pkg.path, pkg.code);
    expect(code(await host.login(pkg.content.candidate.ticketNo, '110101199001011234'))).toBe(
      'WRONG_ID_NUMBER',
    );
    value(await host.login(pkg.content.candidate.ticketNo, TEST_ID_NUMBER.toLowerCase()));
    await until('paper open', () => host.getState().paperOpen);
    const item = world.paper.items.find((i) => i.kind === 'single')!;
    expect(value(host.saveAnswer(item.id, 'B', false)).seq).toBe(pkg.content.highestSeq + 1);
  });

  it('refuses a package signed by a proctor key, before the code is asked for', () => {
    const world = standaloneMachine(dataDir);
    const proctor = testPki().proctors.get('R1')!;
    const signer = { certPem: proctor.certPem, chainPem: [], privateKeyPem: proctor.privateKeyPem };
    const pkg = writeTestPackage(world, usb, { builtAtConsole: { signer, salt: 'ab'.repeat(16) } });
    const host = startHost();
    expect(host.standaloneInspect(pkg.path)).toMatchObject({ ok: false });
    expect(host.getState().standalone).toBeNull();
  });

  it('hands in: the answer file carries the hand-in, a second file has fileSeq 2, and both remain', async () => {
    const world = standaloneMachine(dataDir);
    const pkg = writeTestPackage(world, usb, { changes: 2, earliestHandInRemainingMs: null });
    const host = startHost();
    await importPackage(host, pkg.path, pkg.code);
    value(await host.login(pkg.content.candidate.ticketNo, TEST_ID_NUMBER));
    await until('paper open', () => host.getState().paperOpen);
    const item = world.paper.items[0]!;
    const answer =
      item.kind === 'multiple'
        ? ['A']
        : item.kind === 'truefalse'
          ? true
          : item.kind === 'single'
            ? 'B'
            : '答';
    value(host.saveAnswer(item.id, answer as never, false));

    const h = value(await host.handIn());
    expect(h.kind).toBe('manual');
    await until('handed in', () => host.getState().phase === 'handed-in');
    const file = host.getState().standalone?.lastFile;
    expect(file).toMatchObject({ fileSeq: 1, handIn: true, failed: [] });
    const opened = openStandaloneAnswerFile(readFileSync(join(dataDir, file!.fileName)), {
      recipient: siteKey(),
    }).content;
    expect(opened.handIn).toMatchObject({ auto: false });
    expect(opened.changes.map((c) => c.value)).toEqual([answer]);

    const second = value(host.standaloneWriteAnswerFile());
    expect(second.fileSeq).toBe(2);
    expect(second.fileName).not.toBe(file!.fileName);
    for (const d of [dataDir, usb]) {
      expect(existsSync(join(d, file!.fileName))).toBe(true);
      expect(existsSync(join(d, second.fileName))).toBe(true);
    }
    const both = [file!.fileName, second.fileName].map(
      (f) => openStandaloneAnswerFile(readFileSync(join(usb, f)), { recipient: siteKey() }).content.fileSeq,
    );
    expect(both).toEqual([1, 2]);

    // 完成: the machine is a site machine again, and the used package is not taken twice.
    value(host.finish());
    await until('back to the site', () => host.getState().standalone === null);
    expect(host.getState().candidate).toBeNull();
    expect(code(host.standaloneInspect(pkg.path))).toBe('STANDALONE_USED');
    for (const f of [file!.fileName, second.fileName]) expect(existsSync(join(dataDir, f))).toBe(true);
    host.close();
    hosts = [];
    // Nor does the disk keep the key to the paper once the session is over.
    const store = StandaloneStore.open(join(dataDir, 'answers.db'));
    try {
      expect(store.get(pkg.content.packageId)?.content.paper).toMatchObject({ sittingKey: '', sealed: '' });
    } finally {
      store.close();
    }
  });

  it('never overwrites a file already there: the next answer file takes the next sequence', async () => {
    const world = standaloneMachine(dataDir);
    const pkg = writeTestPackage(world, usb);
    const host = startHost();
    await importPackage(host, pkg.path, pkg.code);
    value(await host.login(pkg.content.candidate.ticketNo, TEST_ID_NUMBER));
    // Someone left a file under the name the first answer file would take.
    const taken = standaloneAnswerFileName(pkg.content.candidate.ticketNo, pkg.content.packageId, 1);
    writeFileSync(join(usb, taken), 'not mine');
    const file = value(host.standaloneWriteAnswerFile());
    expect(file.fileSeq).toBe(2);
    expect(readFileSync(join(usb, taken), 'utf8')).toBe('not mine');
    expect(file.written).toContain(join(usb, file.fileName));
  });

  it('sounds the 10- and 5-minute reminders and hands in at zero, on the machine’s own count', async () => {
    const world = standaloneMachine(dataDir);
    // 10½ minutes left, the count running at 120×: about five seconds of the test's time.
    const pkg = writeTestPackage(world, usb, {
      remainingMs: 10 * 60_000 + 30_000,
      earliestHandInRemainingMs: null,
    });
    const host = startHost(120);
    const reminders: number[] = [];
    host.subscribe((event, payload) => {
      if (event === 'reminder') reminders.push((payload as { beforeEndMs: number }).beforeEndMs);
    });
    await importPackage(host, pkg.path, pkg.code);
    value(await host.login(pkg.content.candidate.ticketNo, TEST_ID_NUMBER));
    await until('handed in at zero', () => host.getState().handedIn?.kind === 'auto', 20_000);
    expect(reminders).toEqual([...RULES.reminderBeforeEndMs].sort((a, b) => b - a));
    expect(host.getState().standalone?.lastFile?.handIn).toBe(true);
  });

  it('hands in automatically at zero and writes the answer file', async () => {
    const world = standaloneMachine(dataDir);
    const pkg = writeTestPackage(world, usb, { remainingMs: 2_500, earliestHandInRemainingMs: null });
    const host = startHost();
    await importPackage(host, pkg.path, pkg.code);
    value(await host.login(pkg.content.candidate.ticketNo, TEST_ID_NUMBER));
    await until('handed in automatically', () => host.getState().handedIn?.kind === 'auto', 15_000);
    const file = host.getState().standalone?.lastFile;
    expect(file?.handIn).toBe(true);
    const opened = openStandaloneAnswerFile(readFileSync(join(usb, file!.fileName)), {
      recipient: siteKey(),
    }).content;
    expect(opened.handIn).toMatchObject({ auto: true, elapsedMs: 2_500 });
    expect(code(host.saveAnswer(world.paper.items[0]!.id, 'A' as never, false))).not.toBeNull();
  });

  it("refuses another machine's package, and another candidate's while one is active; its own package again just resumes", async () => {
    const world = standaloneMachine(dataDir);
    const other = standaloneMachine(join(dir, 'other-machine'));
    const host = startHost();
    const foreign = writeTestPackage(other, usb, { ticketNo: '210400100009' });
    expect(host.standaloneInspect(foreign.path)).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_REFUSED', details: { reason: 'WRONG_MACHINE' } },
    });
    expect(code(host.standaloneInspect(join(usb, 'missing.exampkg')))).toBe('STANDALONE_UNREADABLE');

    const mine = writeTestPackage(world, usb);
    await importPackage(host, mine.path, mine.code);
    const second = writeTestPackage(world, usb, { ticketNo: '210400100002', name: '李四' });
    expect(code(host.standaloneInspect(second.path))).toBe('STANDALONE_OTHER_ACTIVE');

    const again = restart(host);
    await until('standalone resumed', () => again.getState().standalone !== null);
    expect(value(again.standaloneInspect(mine.path)).resumes).toBe(true);
    value(again.standaloneOpen('not a code at all'));
    expect(again.getState().standalone?.packageId).toBe(mine.content.packageId);
  });

  it('locks import after five wrong codes, across a restart, for ten minutes', async () => {
    const world = standaloneMachine(dataDir);
    const pkg = writeTestPackage(world, usb);
    let host = startHost();
    value(host.standaloneInspect(pkg.path));
    for (let i = 1; i < RULES.standaloneCodeFailures; i++) {
      expect(code(host.standaloneOpen(wrongCodeFor(pkg.code)))).toBe('STANDALONE_WRONG_CODE');
    }
    const fifth = host.standaloneOpen(wrongCodeFor(pkg.code));
    expect(fifth).toMatchObject({ ok: false, error: { code: 'STANDALONE_LOCKED' } });
    const until10 = fifth.ok ? 0 : (fifth.error.details?.lockedUntil as number);
    expect(until10 - Date.now()).toBeGreaterThan((RULES.standaloneCodeLockMinutes - 1) * 60_000);
    // Even the right code is refused now, and a restart does not lift the lock.
    expect(code(host.standaloneOpen(pkg.code))).toBe('STANDALONE_LOCKED');
    host = restart(host);
    expect(code(host.standaloneInspect(pkg.path))).toBe('STANDALONE_LOCKED');
    expect(host.getState().standalone).toBeNull();
    host.close();
    hosts = [];

    // Ten minutes later (this machine's clock) the right code opens it.
    const store = StandaloneStore.open(join(dataDir, 'answers.db'));
    try {
      const later = new StandaloneImporter({
        store,
        trust: testTrust(),
        machineFingerprint: world.machineFingerprint,
        wallNow: () => until10 + 1,
      });
      later.inspect(pkg.path);
      expect(later.open(pkg.code).packageId).toBe(pkg.content.packageId);
    } finally {
      store.close();
    }
  });
});
