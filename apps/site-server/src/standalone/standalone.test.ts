import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkStandaloneChanges,
  idNumberFor,
  type KeyHolder,
  ticketFor,
  verifyAnswerPackage,
} from '@exam/centre';
import { generateMachineKeyPair, type MachineKeyPair, machineFingerprint, sign } from '@exam/crypto';
import { ANSWER_CLOCK_SKEW_MS, SITTING_RULES } from '@exam/domain';
import {
  type Ack,
  type EndChecklist,
  type EndResult,
  type LoginResult,
  type StandaloneAnswerFile,
  type StandaloneChallenge,
  type StandaloneCollectResult,
  type StandaloneExportResult,
  type StandaloneList,
  type StandaloneMachines,
  type StandalonePackageContent,
  standaloneConsentStatement,
} from '@exam/protocol';
import { openStandalonePackage, writeStandaloneAnswerFile } from '@exam/standalone';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
  testMachineKey,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Standalone mode (issue 17) at the site server, through real sockets: consent, export,
 * the candidate kept offline, collection of answer files, cancel, the end checklist and the
 * answer package the centre verifies. One site; the steps build on each other in order.
 */
const SITTING = 'S-J-ECON';
const SITE_ID = 'SITE-T';
const T1 = ticketFor(1, 1);
const T2 = ticketFor(1, 2);
const T_R2 = ticketFor(2, 1);
const TARGET = 'sa-target';
const TARGET_R2 = 'sa-target-r2';

let site: TestSite;
let proctor: Socket;
let proctorR2: Socket;
const sockets: Socket[] = [];

const chief = (): KeyHolder => site.pki.chief;

async function machine(seatNo: number, machineId: string, roomId = 'R1'): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId, seatNo, machineId });
  return s;
}

async function ok<T>(p: Promise<Ack<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const save = (s: Socket, changes: unknown[]) =>
  call<Ack<{ ackSeq: number }>>(s, 'answer:save', { sittingId: SITTING, changes });

/** The chief examiner's consent, signed as the console signs it, over a fresh challenge of `on`. */
async function consent(
  on: Socket,
  p: { action: 'export' | 'cancel'; ticketNo: string; subject: string; reason: string },
  holder: KeyHolder = chief(),
) {
  const { challenge } = await ok(call<Ack<StandaloneChallenge>>(on, 'standalone:challenge', {}));
  const statement = standaloneConsentStatement({ ...p, siteId: SITE_ID, sittingId: SITTING, challenge });
  return {
    certPem: holder.certPem,
    signature: sign(statement, holder.privateKeyPem).toString('base64'),
    challenge,
  };
}

async function exportRequest(on: Socket, ticketNo: string, target: string, reason = '考试机与备用机均故障') {
  const fingerprint = testMachineFingerprint(target);
  return {
    ticketNo,
    targetMachineFingerprint: fingerprint,
    reason,
    consent: await consent(on, { action: 'export', ticketNo, subject: fingerprint, reason }),
  };
}

const exportPackage = (on: Socket, request: unknown) =>
  call<Ack<StandaloneExportResult>>(on, 'standalone:export', request);

function openPackage(exported: StandaloneExportResult, target = TARGET): StandalonePackageContent {
  return openStandalonePackage(Buffer.from(exported.fileBase64, 'base64'), {
    trustedRootPem: site.pki.centre.certPem,
    siteId: SITE_ID,
    machineFingerprint: testMachineFingerprint(target),
    code: exported.code,
    now: new Date(site.clock.now()),
  });
}

/** An answer file as the target machine writes it (signed by `key`, for the site and the centre). */
function answerFile(
  pkg: StandalonePackageContent,
  o: {
    fileSeq: number;
    changes: { seq: number; itemId: string; value: unknown; elapsedMs: number }[];
    handIn?: { elapsedMs: number; auto: boolean } | null;
    key?: MachineKeyPair;
  },
): string {
  const machineKey = o.key ?? testMachineKey(TARGET);
  const content: StandaloneAnswerFile = {
    formatVersion: 1,
    packageId: pkg.packageId,
    fileSeq: o.fileSeq,
    siteId: pkg.siteId,
    sittingId: pkg.sittingId,
    ticketNo: pkg.candidate.ticketNo,
    machineFingerprint: o.key ? machineFingerprint(o.key.publicKey) : pkg.targetMachineFingerprint,
    writtenElapsedMs: Math.max(0, ...o.changes.map((c) => c.elapsedMs)),
    changes: o.changes.map((c) => ({
      seq: c.seq,
      itemId: c.itemId,
      value: c.value as StandaloneAnswerFile['changes'][number]['value'],
      flagged: false,
      madeAt: 0,
      elapsedMs: c.elapsedMs,
    })),
    handIn: o.handIn ? { ...o.handIn, answersHash: 'ab'.repeat(32) } : null,
  };
  return writeStandaloneAnswerFile({
    content,
    machineKey,
    recipientCertPems: [pkg.answerRecipients.siteCertPem, pkg.answerRecipients.centreCertPem],
  }).toString('base64');
}

const collect = (on: Socket, fileBase64: string) =>
  call<Ack<StandaloneCollectResult>>(on, 'standalone:collect', { fileBase64 });

const changesOf = (ticketNo: string) =>
  site.server.ctx.db
    .prepare(
      'SELECT seq, item_id, value, made_at, standalone_package_id FROM answer_changes WHERE ticket_no = ? ORDER BY seq',
    )
    .all(ticketNo) as {
    seq: number;
    item_id: string;
    value: string;
    made_at: number;
    standalone_package_id: string | null;
  }[];

const statusOf = (ticketNo: string) =>
  site.server.ctx.db
    .prepare('SELECT status FROM candidate_sittings WHERE ticket_no = ? AND sitting_id = ?')
    .pluck()
    .get(ticketNo, SITTING);

const audit = (action: string) =>
  site.server.ctx.db.prepare('SELECT * FROM audit_events WHERE action = ? ORDER BY seq').all(action) as {
    data: string;
    subject: string;
  }[];

let oldMachine: Socket;
let oldToken: string;
let first: StandaloneExportResult;
let second: StandaloneExportResult;
let secondContent: StandalonePackageContent;
let replayedRequest: unknown;

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  proctorR2 = await proctorSocket(site, 'R2');
  sockets.push(proctor, proctorR2);
  for (const p of [proctor, proctorR2]) await ok(call(p, 'login:open', { sittingId: SITTING }));
  oldMachine = await machine(1, 'sa-old-1');
  const login = await ok(
    call<Ack<LoginResult>>(oldMachine, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) }),
  );
  oldToken = login.sessionToken;
  // The machine the package goes to: approved at this site (a spare seat of room R1).
  await machine(3, TARGET);
  const r2 = await machine(1, 'sa-old-r2', 'R2');
  await ok(call(r2, 'candidate:login', { ticketNo: T_R2, idNumber: idNumberFor(4) }));
  await machine(2, TARGET_R2, 'R2');
  site.clock.set(site.juniorStart);
  for (const p of [proctor, proctorR2]) await ok(call(p, 'sitting:start', { sittingId: SITTING }));
  const t = site.clock.now();
  await ok(
    save(oldMachine, [
      { seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: t },
      { seq: 2, itemId: 'J-002', value: ['B', 'C'], flagged: false, madeAt: t },
      { seq: 3, itemId: 'J-003', value: true, flagged: true, madeAt: t },
    ]),
  );
  site.clock.advance(10 * 60_000);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

describe('standalone export: the chief examiner consents', () => {
  it('lists the approved machines a package may go to', async () => {
    const { machines } = await ok(call<Ack<StandaloneMachines>>(proctor, 'standalone:machines', {}));
    expect(machines).toContainEqual(
      expect.objectContaining({
        fingerprint: testMachineFingerprint(TARGET),
        roomId: 'R1',
        seatNo: '3',
        busy: false,
      }),
    );
    expect(machines).toContainEqual(
      expect.objectContaining({ fingerprint: testMachineFingerprint('sa-old-1'), busy: true }),
    );
  });

  it('refuses a consent signed by a proctor, one for another candidate, and one from another connection', async () => {
    const reason = '考试机故障';
    const fingerprint = testMachineFingerprint(TARGET);
    // The room's own proctor key is registered, but not as the chief examiner's.
    const byProctor = {
      ticketNo: T1,
      targetMachineFingerprint: fingerprint,
      reason,
      consent: await consent(
        proctor,
        { action: 'export', ticketNo: T1, subject: fingerprint, reason },
        site.pki.proctors.get('R1')!,
      ),
    };
    expect(await exportPackage(proctor, byProctor)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    // The chief examiner consented for candidate 2, not candidate 1.
    const forOther = {
      ticketNo: T1,
      targetMachineFingerprint: fingerprint,
      reason,
      consent: await consent(proctor, { action: 'export', ticketNo: T2, subject: fingerprint, reason }),
    };
    expect(await exportPackage(proctor, forOther)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    // Consent for another machine than the one asked for.
    const otherMachine = {
      ticketNo: T1,
      targetMachineFingerprint: fingerprint,
      reason,
      consent: await consent(proctor, {
        action: 'export',
        ticketNo: T1,
        subject: testMachineFingerprint(TARGET_R2),
        reason,
      }),
    };
    expect(await exportPackage(proctor, otherMachine)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    // A challenge issued to another console connection.
    const elsewhere = await proctorSocket(site, 'R1');
    sockets.push(elsewhere);
    const foreign = await exportRequest(elsewhere, T1, TARGET);
    expect(await exportPackage(proctor, foreign)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    // Nothing happened: no package, the candidate still saves online.
    expect(site.server.ctx.db.prepare('SELECT count(*) FROM standalone_packages').pluck().get()).toBe(0);
    expect(
      await save(oldMachine, [
        { seq: 4, itemId: 'J-004', value: 'D', flagged: false, madeAt: site.clock.now() },
      ]),
    ).toMatchObject({ ok: true, value: { ackSeq: 4 } });
  });

  it('refuses a target that is not an approved machine of the site', async () => {
    const reason = '考试机故障';
    const fingerprint = 'c'.repeat(64);
    const request = {
      ticketNo: T1,
      targetMachineFingerprint: fingerprint,
      reason,
      consent: await consent(proctor, { action: 'export', ticketNo: T1, subject: fingerprint, reason }),
    };
    expect(await exportPackage(proctor, request)).toMatchObject({
      ok: false,
      error: { code: 'MACHINE_NOT_APPROVED' },
    });
  });

  it('exports the package with every answer held and the remaining time, and takes the candidate offline', async () => {
    const revoked = new Promise<unknown>((resolve) => oldMachine.once('session:revoked', resolve));
    replayedRequest = await exportRequest(proctor, T1, TARGET);
    first = await ok(exportPackage(proctor, replayedRequest));
    expect(first.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(first.fileName).toContain(T1);
    const content = openPackage(first);
    expect(content).toMatchObject({
      packageId: first.packageId,
      siteId: SITE_ID,
      sittingId: SITTING,
      roomId: 'R1',
      targetMachineFingerprint: testMachineFingerprint(TARGET),
      candidate: { ticketNo: T1 },
      highestSeq: 4,
      consent: { reason: '考试机与备用机均故障' },
    });
    expect(content.changes.map((c) => [c.seq, c.itemId, c.value])).toEqual([
      [1, 'J-001', 'A'],
      [2, 'J-002', ['B', 'C']],
      [3, 'J-003', true],
      [4, 'J-004', 'D'],
    ]);
    // The candidate's own end (start + the junior duration) minus now, on the server's clock.
    expect(content.remainingMs).toBe(site.juniorStart + SITTING_RULES.junior.durationMs - site.clock.now());
    expect(content.remainingMs).toBe(SITTING_RULES.junior.durationMs - 10 * 60_000);
    // The old machine is let go: told, and its saves are refused.
    await revoked;
    expect(
      await save(oldMachine, [
        { seq: 5, itemId: 'J-005', value: ['A'], flagged: false, madeAt: site.clock.now() },
      ]),
    ).toMatchObject({ ok: false });
    // The audit chain has the consent as signed, never the code.
    const [event] = audit('standalone.exported');
    expect(event!.data).not.toContain(first.code);
    expect(JSON.parse(event!.data)).toMatchObject({
      packageId: first.packageId,
      consent: {
        by: chief().holder,
        statement: expect.stringContaining('exam-standalone-consent/v1\nexport'),
      },
    });
  });

  it('refuses online login and resume in any room while the package is out', async () => {
    const elsewhere = await machine(2, 'sa-other-1');
    expect(
      await call(elsewhere, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
    const otherRoom = await machine(3, 'sa-other-r2', 'R2');
    expect(
      await call(otherRoom, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
    expect(await call(oldMachine, 'candidate:resume', { sessionToken: oldToken })).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
    // Nor does the console reset the candidate or add time: the sitting runs on the machine's count.
    expect(
      await call(proctor, 'candidate:reset', { sittingId: SITTING, ticketNo: T1, reason: '换机' }),
    ).toMatchObject({ ok: false, error: { code: 'STANDALONE_ACTIVE' } });
    expect(
      await call(proctor, 'candidate:extend', {
        sittingId: SITTING,
        tickets: [T1],
        minutes: 5,
        reason: '停电',
      }),
    ).toMatchObject({ ok: false, error: { code: 'STANDALONE_ACTIVE' } });
    // A second package for the same candidate while one is out is refused.
    expect(await exportPackage(proctor, await exportRequest(proctor, T1, TARGET))).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
  });

  it('cancels with consent; the cancelled package is refused at collection and its consent cannot be replayed', async () => {
    const reason = '考试机已修复';
    const cancelled = await ok(
      call(proctor, 'standalone:cancel', {
        packageId: first.packageId,
        reason,
        consent: await consent(proctor, { action: 'cancel', ticketNo: T1, subject: first.packageId, reason }),
      }),
    );
    expect(cancelled).toEqual({ packageId: first.packageId, state: 'cancelled' });
    const content = openPackage(first);
    const file = answerFile(content, {
      fileSeq: 1,
      changes: [{ seq: 5, itemId: 'J-005', value: ['A'], elapsedMs: 1000 }],
    });
    expect(await collect(proctor, file)).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_CANCELLED' },
    });
    expect(changesOf(T1).map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    // The first export's consent, replayed as it was sent: its challenge is spent.
    expect(await exportPackage(proctor, replayedRequest)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    // Online again: the candidate logs in on another machine (as after a reset).
    const back = await machine(2, 'sa-other-1');
    expect(await call(back, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) })).toMatchObject({
      ok: true,
    });
    back.disconnect();
  });

  it('exports again after a cancel', async () => {
    second = await ok(exportPackage(proctor, await exportRequest(proctor, T1, TARGET)));
    secondContent = openPackage(second);
    expect(secondContent.highestSeq).toBe(4);
    const { packages } = await ok(call<Ack<StandaloneList>>(proctor, 'standalone:list', {}));
    expect(packages.map((p) => [p.packageId, p.state])).toEqual([
      [first.packageId, 'cancelled'],
      [second.packageId, 'exported'],
    ]);
  });
});

describe('standalone collection (回收)', () => {
  it('merges an answer file as standalone changes, and the same file again stores nothing twice', async () => {
    const file = answerFile(secondContent, {
      fileSeq: 1,
      changes: [
        { seq: 5, itemId: 'J-005', value: ['A'], elapsedMs: 60_000 },
        { seq: 6, itemId: 'J-006', value: true, elapsedMs: 120_000 },
      ],
    });
    expect(await ok(collect(proctor, file))).toEqual({
      packageId: second.packageId,
      ticketNo: T1,
      merged: 2,
      alreadyHeld: 0,
      refusedAfterEnd: 0,
      handedIn: false,
      state: 'exported',
    });
    expect(await ok(collect(proctor, file))).toMatchObject({ merged: 0, alreadyHeld: 2 });
    const rows = changesOf(T1);
    expect(rows.map((r) => [r.seq, r.standalone_package_id])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [4, null],
      [5, second.packageId],
      [6, second.packageId],
    ]);
    // On the server's clock: the export time plus the machine's count.
    const exportedAt = Date.parse(secondContent.issuedAt);
    expect(rows[4]!.made_at).toBe(exportedAt + 60_000);
  });

  it('refuses another machine’s file, and a file whose changes clash with those held, storing nothing', async () => {
    const intruder = generateMachineKeyPair();
    const forged = answerFile(secondContent, {
      fileSeq: 2,
      changes: [{ seq: 7, itemId: 'J-007', value: 'C', elapsedMs: 130_000 }],
      key: intruder,
    });
    // Not an answer file at all, or one altered on the stick: refused whole, typed.
    expect(await collect(proctor, 'AAAAAAAA')).toMatchObject({ ok: false, error: { code: 'BAD_PACKAGE' } });
    const altered = Buffer.from(
      answerFile(secondContent, {
        fileSeq: 2,
        changes: [{ seq: 7, itemId: 'J-007', value: 'C', elapsedMs: 130_000 }],
      }),
      'base64',
    );
    altered[altered.length - 40]! ^= 0x01;
    expect(await collect(proctor, altered.toString('base64'))).toMatchObject({
      ok: false,
      error: { code: 'BAD_PACKAGE' },
    });
    // Signed by another machine's key.
    expect(await collect(proctor, forged)).toMatchObject({ ok: false, error: { code: 'WRONG_MACHINE' } });
    const clash = answerFile(secondContent, {
      fileSeq: 2,
      changes: [
        { seq: 6, itemId: 'J-006', value: false, elapsedMs: 120_000 },
        { seq: 7, itemId: 'J-007', value: 'C', elapsedMs: 130_000 },
      ],
    });
    expect(await collect(proctor, clash)).toMatchObject({ ok: false, error: { code: 'SEQ_CONFLICT' } });
    expect(changesOf(T1).map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Another room's console does not find this room's package.
    const good = answerFile(secondContent, {
      fileSeq: 2,
      changes: [{ seq: 7, itemId: 'J-007', value: 'C', elapsedMs: 130_000 }],
    });
    expect(await collect(proctorR2, good)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PACKAGE' } });
  });

  it('refuses changes counted after the candidate’s time, and a file older than one collected', async () => {
    const late = secondContent.remainingMs + ANSWER_CLOCK_SKEW_MS + 1;
    const file2 = answerFile(secondContent, {
      fileSeq: 2,
      changes: [
        { seq: 5, itemId: 'J-005', value: ['A'], elapsedMs: 60_000 },
        { seq: 7, itemId: 'J-007', value: 'C', elapsedMs: 130_000 },
        { seq: 9, itemId: 'J-009', value: false, elapsedMs: late },
      ],
    });
    expect(await ok(collect(proctor, file2))).toMatchObject({
      merged: 1,
      alreadyHeld: 1,
      refusedAfterEnd: 1,
    });
    expect(changesOf(T1).map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const older = answerFile(secondContent, {
      fileSeq: 1,
      changes: [{ seq: 8, itemId: 'J-008', value: ['B'], elapsedMs: 140_000 }],
    });
    expect(await collect(proctor, older)).toMatchObject({ ok: false, error: { code: 'STALE_ANSWER_FILE' } });
    expect(changesOf(T1).map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('the end command and the answer package', () => {
  it('refuses the end while a package is out, and ends once it is collected or cancelled', async () => {
    // R2: a package out, then cancelled.
    const r2 = await ok(exportPackage(proctorR2, await exportRequest(proctorR2, T_R2, TARGET_R2)));
    // Past everyone's end: the server does not hand a standalone candidate in on its own clock.
    site.clock.advance(3 * 3_600_000);
    await expect.poll(() => statusOf(T_R2), { timeout: 5000 }).toBe('answering');
    site.server.tick();
    expect(statusOf(T1)).toBe('answering');
    for (const [p, ticket] of [
      [proctor, T1],
      [proctorR2, T_R2],
    ] as const) {
      const checklist = await ok(call<Ack<EndChecklist>>(p, 'sitting:checklist', { sittingId: SITTING }));
      expect(checklist.ready).toBe(false);
      expect(checklist.items.find((i) => i.key === 'standalone-collected')).toMatchObject({
        ok: false,
        count: 1,
        tickets: [ticket],
      });
      expect(await call(p, 'sitting:end', { sittingId: SITTING })).toMatchObject({
        ok: false,
        error: { code: 'CHECKLIST_INCOMPLETE' },
      });
    }
    const reason = '考生放弃单机考试';
    await ok(
      call(proctorR2, 'standalone:cancel', {
        packageId: r2.packageId,
        reason,
        consent: await consent(proctorR2, {
          action: 'cancel',
          ticketNo: T_R2,
          subject: r2.packageId,
          reason,
        }),
      }),
    );
    expect(await ok(call<Ack<EndResult>>(proctorR2, 'sitting:end', { sittingId: SITTING }))).toMatchObject({
      answerPackage: null,
    });
    // R1: the final answer file, with the hand-in, collects the package.
    const final = answerFile(secondContent, {
      fileSeq: 3,
      changes: [
        { seq: 7, itemId: 'J-007', value: 'C', elapsedMs: 130_000 },
        { seq: 8, itemId: 'J-008', value: ['B'], elapsedMs: 140_000 },
      ],
      handIn: { elapsedMs: 150_000, auto: false },
    });
    expect(await ok(collect(proctor, final))).toMatchObject({
      merged: 1,
      alreadyHeld: 1,
      refusedAfterEnd: 0,
      handedIn: true,
      state: 'collected',
    });
    expect(statusOf(T1)).toBe('handed-in');
    const handedInAt = site.server.ctx.db
      .prepare('SELECT handed_in_at FROM candidate_sittings WHERE ticket_no = ?')
      .pluck()
      .get(T1);
    expect(handedInAt).toBe(Date.parse(secondContent.issuedAt) + 150_000);
    const ended = await ok(call<Ack<EndResult>>(proctor, 'sitting:end', { sittingId: SITTING }));
    expect(ended.answerPackage).not.toBeNull();

    // The room report lists the case: who consented, the machine, what came home.
    const report = await ok(
      call<Ack<{ fileName: string; pdfBase64: string }>>(proctor, 'report:room', { sittingId: SITTING }),
    );
    const pdfPath = join(mkdtempSync(join(tmpdir(), 'sa-report-')), 'report.pdf');
    writeFileSync(pdfPath, Buffer.from(report.pdfBase64, 'base64'));
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    const section = text.slice(text.indexOf('六、单机考试'));
    for (const expected of [T1, chief().holder, '已回收', '已取消', '考试机已修复']) {
      expect(section, expected).toContain(expected);
    }

    // The centre's verifier: intact, standalone changes marked, consent and collection found.
    const v = verifyAnswerPackage(
      readFileSync(ended.answerPackage!),
      site.pki.centre,
      new Date(site.clock.now()),
      site.built.approvalKeys,
    );
    expect(v.standalone.cases).toEqual([
      {
        packageId: second.packageId,
        ticketNo: T1,
        changes: 4,
        consentBy: chief().holder,
        consentVerified: true,
        collected: true,
      },
    ]);
    const t1 = v.package.candidates.find((c) => c.ticketNo === T1)!;
    expect(t1.changes.filter((c) => c.source === 'standalone').map((c) => c.seq)).toEqual([5, 6, 7, 8]);
    expect(t1.changes.find((c) => c.seq === 1)).not.toHaveProperty('source');
    // Without the collection event in the chain the verifier would say so.
    const withoutCollection = {
      ...v.package,
      audit: v.package.audit.filter((e) => e.action !== 'standalone.collected'),
    };
    expect(checkStandaloneChanges(withoutCollection, site.pki.centre.certPem).problems).toEqual([
      expect.stringContaining('no collection event'),
    ]);
  });
});
