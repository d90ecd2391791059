import { randomBytes } from 'node:crypto';
import { createExamPki, idNumberFor, issueKeyHolder, type KeyHolder, ticketFor } from '@exam/centre';
import { sign } from '@exam/crypto';
import { SITTING_RULES } from '@exam/domain';
import {
  type Ack,
  type LoginResult,
  type StandaloneAnswerFile,
  type StandaloneChallenge,
  type StandaloneCollectResult,
  type StandaloneList,
  type StandaloneOfflineKit,
  type StandaloneRegisterResult,
  standaloneConsentStatement,
} from '@exam/protocol';
import { idCheckHash, writeStandaloneAnswerFile } from '@exam/standalone';
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
 * A standalone package built at a console from its replica while the site was down (decision
 * 0017, amendment), at the site server through real sockets: what the console holds ahead of
 * time, then the registration when the site is back, its refusals, and collection of the
 * package's answer files as for any other. The steps build on each other in order.
 */
const SITTING = 'S-J-ECON';
const SITE_ID = 'SITE-T';
const T1 = ticketFor(1, 1);
const T2 = ticketFor(1, 2);
const TARGET = 'reg-target';
const TARGET_2 = 'reg-target-2';

let site: TestSite;
let proctor: Socket;
let proctorR2: Socket;
let oldMachine: Socket;
let oldMachine2: Socket;
const sockets: Socket[] = [];

async function ok<T>(p: Promise<Ack<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function machine(seatNo: number, machineId: string, roomId = 'R1'): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId, seatNo, machineId });
  return s;
}

const save = (s: Socket, changes: unknown[]) =>
  call<Ack<{ ackSeq: number }>>(s, 'answer:save', { sittingId: SITTING, changes });

const kitOf = (on: Socket) => ok(call<Ack<StandaloneOfflineKit>>(on, 'standalone:offlineKit', {}));

/** A registration record as the console queues it: the consent names a nonce the console made. */
function record(
  o: {
    ticketNo?: string;
    target?: string;
    holder?: KeyHolder;
    nonce?: string;
    packageId?: string;
    highestSeq?: number;
    reason?: string;
    signReason?: string;
  } = {},
) {
  const ticketNo = o.ticketNo ?? T1;
  const fingerprint = testMachineFingerprint(o.target ?? TARGET);
  const reason = o.reason ?? '考点服务器故障，离线导出';
  const nonce = o.nonce ?? randomBytes(32).toString('base64url');
  const holder = o.holder ?? site.pki.chief;
  const statement = standaloneConsentStatement({
    action: 'export',
    siteId: SITE_ID,
    sittingId: SITTING,
    ticketNo,
    subject: fingerprint,
    reason: o.signReason ?? reason,
    challenge: nonce,
  });
  const exportedAt = site.clock.now() - 5 * 60_000;
  return {
    packageId: o.packageId ?? randomBytes(16).toString('hex'),
    ticketNo,
    sittingId: SITTING,
    targetMachineFingerprint: fingerprint,
    reason,
    consent: {
      certPem: holder.certPem,
      signature: sign(statement, holder.privateKeyPem).toString('base64'),
      challenge: nonce,
    },
    exportedAt,
    remainingMs: site.juniorStart + SITTING_RULES.junior.durationMs - exportedAt,
    highestSeq: o.highestSeq ?? 2,
  };
}

const register = (on: Socket, r: unknown) =>
  call<Ack<StandaloneRegisterResult>>(on, 'standalone:register', r);

const packagesRows = () =>
  site.server.ctx.db.prepare('SELECT package_id, built_by, state FROM standalone_packages').all() as {
    package_id: string;
    built_by: string;
    state: string;
  }[];

function answerFile(
  r: ReturnType<typeof record>,
  target: string,
  fileSeq: number,
  changes: {
    seq: number;
    itemId: string;
    value: StandaloneAnswerFile['changes'][number]['value'];
    elapsedMs: number;
  }[],
  handIn: boolean,
): string {
  const content: StandaloneAnswerFile = {
    formatVersion: 1,
    packageId: r.packageId,
    fileSeq,
    siteId: SITE_ID,
    sittingId: SITTING,
    ticketNo: r.ticketNo,
    machineFingerprint: r.targetMachineFingerprint,
    writtenElapsedMs: Math.max(0, ...changes.map((c) => c.elapsedMs)),
    changes: changes.map((c) => ({ ...c, flagged: false, madeAt: 0 })),
    handIn: handIn
      ? {
          elapsedMs: Math.max(0, ...changes.map((c) => c.elapsedMs)) + 1,
          auto: false,
          answersHash: 'ab'.repeat(32),
        }
      : null,
  };
  return writeStandaloneAnswerFile({
    content,
    machineKey: testMachineKey(target),
    recipientCertPems: [site.pki.site.certPem, site.pki.centre.certPem],
  }).toString('base64');
}

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  proctorR2 = await proctorSocket(site, 'R2');
  sockets.push(proctor, proctorR2);
  await ok(call(proctor, 'login:open', { sittingId: SITTING }));
  oldMachine = await machine(1, 'reg-old-1');
  await ok(call<Ack<LoginResult>>(oldMachine, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) }));
  oldMachine2 = await machine(2, 'reg-old-2');
  await ok(
    call<Ack<LoginResult>>(oldMachine2, 'candidate:login', { ticketNo: T2, idNumber: idNumberFor(2) }),
  );
  await machine(3, TARGET);
  await machine(1, TARGET_2, 'R2');
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

describe('what a console holds to build a package while the site is down', () => {
  it('before the start: the sealed paper and its proof, no key; an ID check per candidate, never the ID number', async () => {
    const kit = await kitOf(proctor);
    expect(kit.siteId).toBe(SITE_ID);
    const sitting = kit.sittings.find((s) => s.sittingId === SITTING)!;
    expect(sitting.sittingKey).toBeNull();
    expect(sitting.sealedPaper.length).toBeGreaterThan(100);
    expect(sitting.proof.paperId).toBeTruthy();
    const c1 = kit.candidates.find((c) => c.ticketNo === T1 && c.sittingId === SITTING)!;
    expect(c1.idCheck.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(c1.idCheck.hash).toBe(idCheckHash(c1.idCheck.salt, idNumberFor(1)));
    expect(JSON.stringify(kit)).not.toContain(idNumberFor(1));
    // Only this room's candidates; the target machines of the whole site.
    expect(kit.candidates.every((c) => c.ticketNo.startsWith(T1.slice(0, -2)))).toBe(true);
    expect(kit.machines.map((m) => m.fingerprint)).toContain(testMachineFingerprint(TARGET_2));
  });

  it('after the start: the sitting key too, and the same salt as before', async () => {
    const before = (await kitOf(proctor)).candidates.find((c) => c.ticketNo === T1)!.idCheck;
    site.clock.set(site.juniorStart);
    await ok(call(proctor, 'sitting:start', { sittingId: SITTING }));
    const t = site.clock.now();
    await ok(
      save(oldMachine, [
        { seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: t },
        { seq: 2, itemId: 'J-002', value: ['B', 'C'], flagged: false, madeAt: t },
      ]),
    );
    await ok(save(oldMachine2, [{ seq: 1, itemId: 'J-001', value: 'B', flagged: false, madeAt: t }]));
    site.clock.advance(20 * 60_000);
    const kit = await kitOf(proctor);
    expect(kit.sittings.find((s) => s.sittingId === SITTING)!.sittingKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(kit.candidates.find((c) => c.ticketNo === T1)!.idCheck).toEqual(before);
    // R2 has not started: its console gets no key.
    expect((await kitOf(proctorR2)).sittings.find((s) => s.sittingId === SITTING)!.sittingKey).toBeNull();
  });
});

describe('registration of a console-built package', () => {
  it("refuses a bad signature, a proctor's key, another site's chief examiner and an unknown candidate, recording nothing", async () => {
    const badSignature = record({ signReason: '另一个理由' });
    expect(await register(proctor, badSignature)).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED', message: expect.stringContaining('does not match') },
    });
    const byProctor = record({ holder: site.pki.proctors.get('R1')! });
    expect(await register(proctor, byProctor)).toMatchObject({
      ok: false,
      error: {
        code: 'CONSENT_REFUSED',
        message: "Only the chief examiner's key can consent to a standalone package.",
      },
    });
    // Another site's chief examiner, under the same centre root.
    const otherSite = issueKeyHolder(
      { ...site.pki, site: { ...site.pki.site, siteId: 'SITE-X' } },
      { role: 'chief', roomId: null, holder: '主考 外站' },
    );
    expect(await register(proctor, record({ holder: otherSite }))).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    // A chief examiner key under a self-made root.
    const selfMade = issueKeyHolder(createExamPki(SITE_ID), { role: 'chief', roomId: null, holder: '主考' });
    expect(await register(proctor, record({ holder: selfMade }))).toMatchObject({
      ok: false,
      error: {
        code: 'CONSENT_REFUSED',
        message: expect.stringContaining("The chief examiner's key was refused"),
      },
    });
    expect(await register(proctor, record({ ticketNo: '210400999999' }))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_TICKET' },
    });
    // Another room's console does not find this room's candidate.
    expect(await register(proctorR2, record())).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_TICKET' },
    });
    // A nonce this site issued as a challenge is not a console's nonce.
    const { challenge } = await ok(call<Ack<StandaloneChallenge>>(proctor, 'standalone:challenge', {}));
    expect(await register(proctor, record({ nonce: challenge }))).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED', message: expect.stringContaining('already used') },
    });
    expect(packagesRows()).toEqual([]);
  });

  let registered: ReturnType<typeof record>;

  it('records the package as exported by the console, takes the candidate offline, keeps the consent in the audit chain', async () => {
    registered = record();
    const revoked = new Promise<unknown>((resolve) => oldMachine.once('session:revoked', resolve));
    expect(await ok(register(proctor, registered))).toEqual({
      packageId: registered.packageId,
      state: 'exported',
      alreadyRegistered: false,
      onlineChangesAfterExport: 0,
    });
    await revoked;
    expect(packagesRows()).toEqual([
      { package_id: registered.packageId, built_by: 'console', state: 'exported' },
    ]);
    const { packages } = await ok(call<Ack<StandaloneList>>(proctor, 'standalone:list', {}));
    expect(packages).toEqual([
      expect.objectContaining({
        packageId: registered.packageId,
        ticketNo: T1,
        builtBy: 'console',
        state: 'exported',
        consentBy: site.pki.chief.holder,
        onlineChangesAfterExport: 0,
      }),
    ]);
    const event = site.server.ctx.db
      .prepare("SELECT data FROM audit_events WHERE action = 'standalone.exported'")
      .pluck()
      .get() as string;
    expect(JSON.parse(event)).toMatchObject({
      packageId: registered.packageId,
      builtBy: 'console',
      consent: {
        statement: expect.stringContaining(registered.consent.challenge),
        certPem: site.pki.chief.certPem,
      },
    });
    // STANDALONE_ACTIVE exactly as for a site-built package.
    // From a machine of another room too (this room's seats are all in use).
    const again = await machine(2, 'reg-again', 'R2');
    expect(await call(again, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) })).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
  });

  it('answers the same record again as registered, and refuses a replayed nonce and another package of the candidate', async () => {
    expect(await ok(register(proctor, registered))).toMatchObject({
      alreadyRegistered: true,
      state: 'exported',
    });
    // The same consent under another package id: its nonce is on record.
    expect(
      await register(proctor, { ...registered, packageId: randomBytes(16).toString('hex') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED', message: expect.stringContaining('already used') },
    });
    // A fresh consent, but the candidate's package is already out.
    expect(await register(proctor, record())).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
    // Another record under a package id the site knows.
    expect(await register(proctor, record({ ticketNo: T2, packageId: registered.packageId }))).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
    expect(packagesRows()).toHaveLength(1);
  });

  it("collects the package's answer files like a site-built package's, up to the hand-in", async () => {
    const first = answerFile(
      registered,
      TARGET,
      1,
      [{ seq: 3, itemId: 'J-003', value: true, elapsedMs: 60_000 }],
      false,
    );
    expect(
      await ok(call<Ack<StandaloneCollectResult>>(proctor, 'standalone:collect', { fileBase64: first })),
    ).toMatchObject({
      packageId: registered.packageId,
      merged: 1,
      state: 'exported',
    });
    const last = answerFile(
      registered,
      TARGET,
      2,
      [
        { seq: 3, itemId: 'J-003', value: true, elapsedMs: 60_000 },
        { seq: 4, itemId: 'J-004', value: 'D', elapsedMs: 90_000 },
      ],
      true,
    );
    expect(
      await ok(call<Ack<StandaloneCollectResult>>(proctor, 'standalone:collect', { fileBase64: last })),
    ).toMatchObject({
      merged: 1,
      alreadyHeld: 1,
      handedIn: true,
      state: 'collected',
    });
    const made = site.server.ctx.db
      .prepare('SELECT made_at FROM answer_changes WHERE ticket_no = ? AND seq = 4')
      .pluck()
      .get(T1);
    expect(made).toBe(registered.exportedAt + 90_000);
  });

  it('records a package whose candidate answered online after it, and says so: the clashing file is refused', async () => {
    // The old machine delivered seq 2 before the registration; the console's replica had seq 1 only.
    const t = site.clock.now();
    await ok(save(oldMachine2, [{ seq: 2, itemId: 'J-002', value: ['A'], flagged: false, madeAt: t }]));
    const late = record({ ticketNo: T2, highestSeq: 1 });
    expect(await ok(register(proctor, late))).toMatchObject({
      state: 'exported',
      onlineChangesAfterExport: 1,
    });
    const { packages } = await ok(call<Ack<StandaloneList>>(proctor, 'standalone:list', {}));
    expect(packages.find((p) => p.packageId === late.packageId)).toMatchObject({
      onlineChangesAfterExport: 1,
    });
    // The standalone machine continued from seq 1: its seq 2 differs from the one held online.
    const clash = answerFile(
      late,
      TARGET,
      1,
      [{ seq: 2, itemId: 'J-002', value: ['C'], elapsedMs: 30_000 }],
      true,
    );
    expect(await call(proctor, 'standalone:collect', { fileBase64: clash })).toMatchObject({
      ok: false,
      error: { code: 'SEQ_CONFLICT' },
    });
  });
});
