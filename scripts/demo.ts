import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CandidateCore, loadOrCreateMachineKey, scaledMonotonic } from '@exam/candidate-client/core';
import { verifyAnswerPackage } from '@exam/centre';
import { loadReceiverIdentity, startReceiver } from '@exam/centre-server';
import { parseCommand, usageExit } from '@exam/cli';
import { fromPkcs12, readSiteTrust, sha256Hex, verifyCertificate } from '@exam/crypto';
import { SITE_TIME_ZONE } from '@exam/domain';
import { ProctorCore } from '@exam/proctor-console/core';
import { createSiteServer, ScaledClock } from '@exam/site-server';
import { loadSiteIdentity, loadSiteTls } from '@exam/site-server/identity';
import {
  call,
  closeMachineApprovers,
  NetworkLink,
  preApproveMachine,
  registerMachineApprover,
  signedInProctorSocket,
  siteFetch,
} from '@exam/testkit';
import pino from 'pino';
import { makeDemoExam } from './centre/make-exam.js';
import { verifyAnswersCommand } from './centre/verifyCommand.js';
import { SimulatedCandidate } from './demo/simulatedCandidate.js';
import { loadProvinceKey } from './province/check-backup.js';
import { checkBackup, describeBackup } from './province/checkBackup.js';

/**
 * A demo exam day, end to end on the real stack: the centre builds and signs the exam, the
 * site server (embedded SQLite) imports it, a proctor console per room runs each sitting,
 * a candidate client per candidate answers, one room's network fails for ten minutes, and
 * the centre verifies the answer packages. After each sitting the site server uploads its
 * answer package to the centre's receiver (SQLite, in the output folder) and checks the
 * signed receipt; the summary says where each receipt is. Time runs `--speed` times faster
 * than real.
 */
const DEMO = {
  name: 'demo',
  usage: `demo [--candidates 2..20000] [--speed 1..3600] [--sittings all|first] [--out DIR] [--overbooked]
  --candidates N   how many candidates (default 60)
  --speed X        the exam clock runs X times faster than real time (default 300)
  --sittings S     all three sittings of the day, or only the first (default all)
  --out DIR        everything the demo writes, recreated on each run (default demo-data)
  --overbooked     an overbooked site (annex 4): no seats on the roster; each arriving candidate
                   gets a random free seat from the proctor, R01's overflow is transferred to R02,
                   and each sitting's transfer report is printed`,
  options: {
    candidates: { type: 'string', default: '60' },
    speed: { type: 'string', default: '300' },
    sittings: { type: 'string', default: 'all' },
    out: { type: 'string', default: 'demo-data' },
    overbooked: { type: 'boolean', default: false },
  },
} as const;
const { values } = parseCommand(DEMO);

const MIN = 60_000;
const count = Number(values.candidates);
const speed = Number(values.speed);
if (!Number.isInteger(count) || count < 2 || count > 20_000)
  usageExit(DEMO, '--candidates is a whole number from 2 to 20000');
if (!(speed >= 1 && speed <= 3600)) usageExit(DEMO, '--speed is from 1 to 3600');
if (values.sittings !== 'all' && values.sittings !== 'first') usageExit(DEMO, '--sittings is all or first');
const out = resolve(values.out);
const PINS = { centre: 'centre-demo-pin', site: 'site-demo-pin', proctor: 'proctor-demo-pin' };
const say = (line: string) => process.stdout.write(`${line}\n`);
const hhmm = (t: number) =>
  new Date(t).toLocaleTimeString('zh-CN', { timeZone: SITE_TIME_ZONE, hour: '2-digit', minute: '2-digit' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'machines'), { recursive: true });

say(`Centre: building the exam for ${count} candidates (keys, sealed papers, signed packages)…`);
const overbooked = values.overbooked;
const { exam } = makeDemoExam(out, count, PINS, undefined, { overbooked });
const sittings = values.sittings === 'first' ? exam.spec.sittings.slice(0, 1) : exam.spec.sittings;

// The centre's receiver (issue 18), over mutual TLS with the centre PKI: the site uploads
// each sitting's final package to it after the end command and checks the receipt.
const receiverIdentity = loadReceiverIdentity(join(out, 'centre'), PINS.centre);
const receiver = await startReceiver({
  tls: receiverIdentity.tls,
  centre: receiverIdentity.centre,
  exams: [
    {
      examId: exam.spec.examId,
      sites: [{ siteId: exam.spec.site.siteId, sittingIds: exam.spec.sittings.map((t) => t.sittingId) }],
      ...(receiverIdentity.approvalKeys ? { approvalKeys: receiverIdentity.approvalKeys } : {}),
    },
  ],
  dataDir: join(out, 'receiver'),
  logger: pino({ level: 'info' }, pino.destination({ dest: join(out, 'receiver.log'), sync: false })),
});
say(
  `Centre receiver: listening on ${receiver.url}, data in ${relative(process.cwd(), join(out, 'receiver'))}`,
);

const firstStart = Date.parse(sittings[0]!.scheduledStart);
const clock = new ScaledClock(firstStart - 45 * MIN, speed);
const server = createSiteServer({
  dataDir: join(out, 'site-data'),
  identity: loadSiteIdentity(join(out, 'site'), PINS.site),
  // HTTPS and WSS with the certificate the centre issued for this site.
  tls: loadSiteTls(join(out, 'site'), PINS.site),
  clock,
  logger: pino({ level: 'info' }, pino.destination({ dest: join(out, 'site-server.log'), sync: false })),
  tickMs: 100,
  upload: { receiverUrl: receiver.url },
});
const url = await server.listen();
// What every console and test machine is installed with: the centre root and the siteId.
const trust = readSiteTrust(
  readFileSync(join(out, 'client', 'centre-root.pem'), 'utf8'),
  readFileSync(join(out, 'client', 'site-id'), 'utf8').trim(),
);
say(`Site server: listening on ${url}, data in ${relative(process.cwd(), join(out, 'site-data'))}`);

async function adminPost(path: string, file: string) {
  const res = await siteFetch(
    `${url}${path}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/octet-stream' },
      body: readFileSync(join(out, 'packages', file)),
    },
    trust,
  );
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${path}: ${body.error?.message}`);
  return body.value as { candidates: number };
}
const imported = await adminPost('/api/admin/exam-data', 'exam-data.exampkg');
await adminPost('/api/admin/authorization', 'authorization.exampkg');
say(`Site admin: imported and verified exam data (${imported.candidates} candidates) and the authorization`);

mkdirSync(join(out, 'consoles'), { recursive: true });
const proctors = new Map<string, ProctorCore>();
const proctorKeys = new Map<string, { certPem: string; privateKeyPem: string }>();
// A console answers a sign-in challenge that lives 60 s of server time, which this demo runs
// hundreds of times faster than real: held still while the consoles sign in, a busy machine
// cannot age a challenge past its life between issue and answer.
clock.hold();
for (const room of exam.spec.rooms) {
  const key = fromPkcs12(readFileSync(join(out, 'keys', `proctor-${room.roomId}.p12`)), PINS.proctor);
  const p = new ProctorCore({
    serverUrl: url,
    siteId: trust.siteId,
    centreRootPem: trust.centreRootPem,
    roomId: room.roomId,
    key,
  });
  await p.ready();
  proctors.set(room.roomId, p);
  proctorKeys.set(room.roomId, key);
}
clock.release();
// Room 2's test machines reach the server through a link that will fail for a while.
const link = await NetworkLink.create(url);
const roomUrl = (roomId: string) => (roomId === 'R02' ? link.url : url);
say(`Proctor consoles: ${[...proctors.keys()].join(', ')} connected`);

interface SittingSummary {
  name: string;
  expected: number;
  absent: number;
  handedIn: number;
  auto: number;
  changes: number;
  packagePath: string;
  verified: string;
}
const summaries: SittingSummary[] = [];

// The machine check, the day before (issue 16): each test machine makes its key and asks for
// its seat; the room's proctor (scripted here) approves it on the console's connection.
// The approvers sign in with a challenge that lives 60 s of server time, which runs hundreds
// of times faster here: held still, a busy machine cannot age it between issue and answer.
clock.hold();
registerMachineApprover(url, (roomId) =>
  signedInProctorSocket(
    url,
    trust,
    proctorKeys.get(roomId)! as Parameters<typeof signedInProctorSocket>[2],
    roomId,
  ),
);
// At an overbooked site every machine of every room; otherwise the arranged seats.
const seats = overbooked
  ? exam.spec.rooms.flatMap((r) =>
      Array.from({ length: r.seats }, (_, i) => ({ roomId: r.roomId, seatNo: i + 1 })),
    )
  : [...new Map(exam.spec.candidates.map((c) => [`${c.roomId}/${c.seatNo}`, c] as const)).values()].filter(
      (c) => c.seatNo !== null && c.seatNo !== undefined,
    );
await Promise.all(
  seats.map((c) =>
    preApproveMachine(
      url,
      {
        privateKey: readFileSync(machineKeyPath(c.roomId, c.seatNo!), 'utf8'),
        roomId: c.roomId,
        seatNo: c.seatNo!,
      },
      trust,
    ),
  ),
);
closeMachineApprovers(url);
clock.release();
say(`Machine check: ${seats.length} test machines made their keys and were approved for their seats`);
let simSeq = 0;

/**
 * One test machine per seat for the whole day, as a site runs it: its client and journal
 * serve each sitting's candidate at that seat in turn (the morning's juniors, the
 * afternoon's seniors), returning to the login screen when the proctor ends a sitting.
 */
const machines = new Map<string, CandidateCore>();
function machineName(roomId: string, seatNo: number): string {
  return `PC-${roomId}-${String(seatNo).padStart(3, '0')}`;
}
/** Each machine's own key, made at its first start (mode 0600), beside its journal. */
function machineKeyPath(roomId: string, seatNo: number): string {
  const path = join(out, 'machines', `${machineName(roomId, seatNo)}.key.pem`);
  loadOrCreateMachineKey(path);
  return path;
}
function machineAt(roomId: string, seatNo: number): CandidateCore {
  const machineId = machineName(roomId, seatNo);
  let core = machines.get(machineId);
  if (!core) {
    core = new CandidateCore({
      serverUrl: roomUrl(roomId),
      trust,
      journalPath: join(out, 'machines', `${machineId}.db`),
      machineKeyPath: machineKeyPath(roomId, seatNo),
      roomId,
      seatNo,
      clientVersion: '0.1.0',
      monotonicNow: scaledMonotonic(speed),
      ackTimeoutMs: 5_000,
      tickMs: 200,
    });
    machines.set(machineId, core);
  }
  return core;
}

/**
 * Entry at an overbooked site (issue 19), as the rooms' proctors do it (scripted here, on a
 * connection of their own): a random free seat drawn and confirmed for each arriving
 * candidate; when their room has no machine left, the candidate is transferred out and the
 * room with free machines takes them in and seats them. Returns where each one sits.
 */
async function seatAtEntry(arriving: typeof exam.spec.candidates) {
  // Called while the exam clock is held for the logins: the sign-in challenges stay fresh.
  const desks = new Map<string, Awaited<ReturnType<typeof signedInProctorSocket>>>();
  for (const room of exam.spec.rooms) {
    desks.set(
      room.roomId,
      await signedInProctorSocket(
        url,
        trust,
        proctorKeys.get(room.roomId)! as Parameters<typeof signedInProctorSocket>[2],
        room.roomId,
      ),
    );
  }
  const ask = async <T>(roomId: string, event: string, payload: unknown): Promise<T> => {
    const r = await call<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>(
      desks.get(roomId)!,
      event,
      payload,
    );
    if (!r.ok) throw Object.assign(new Error(`${event}: ${r.error.message}`), { code: r.error.code });
    return r.value;
  };
  const seatIn = async (roomId: string, ticketNo: string) => {
    const { seatNo } = await ask<{ seatNo: number }>(roomId, 'proctor:draw-seat', { ticketNo });
    await ask(roomId, 'proctor:assign-seat', { ticketNo, seatNo });
    return seatNo;
  };
  const placed: (typeof exam.spec.candidates)[number][] = [];
  const overflow: (typeof exam.spec.candidates)[number][] = [];
  for (const c of arriving) {
    try {
      placed.push({ ...c, seatNo: await seatIn(c.roomId, c.ticketNo) });
    } catch (e) {
      if ((e as { code?: string }).code !== 'NO_FREE_SEAT') throw e;
      overflow.push(c);
    }
  }
  for (const c of overflow) {
    const { transfer } = await ask<{ transfer: { transferId: number } }>(c.roomId, 'proctor:transfer-out', {
      ticketNo: c.ticketNo,
      reason: '考场机位已满',
    });
    const to = exam.spec.rooms.find(
      (r) => r.roomId !== c.roomId && placed.filter((p) => p.roomId === r.roomId).length < r.seats,
    );
    if (!to) throw new Error(`no room of the site has a free machine for ${c.ticketNo}`);
    await ask(to.roomId, 'proctor:transfer-in', { transferId: transfer.transferId });
    placed.push({ ...c, roomId: to.roomId, seatNo: await seatIn(to.roomId, c.ticketNo) });
  }
  for (const d of desks.values()) d.disconnect();
  say(
    `[${hhmm(clock.now())}] seats drawn at entry for ${placed.length} candidates; ` +
      `${overflow.length} transferred out of a full room and taken in by another`,
  );
  return placed;
}

/** The sitting's transfer report (应试人员跨考场调动单), as the site admin prints it. */
async function printTransferReport(sittingId: string) {
  const res = await siteFetch(
    `${url}/api/admin/sittings/${sittingId}/transfer-report`,
    { headers: { authorization: `Bearer ${server.adminToken}` } },
    trust,
  );
  if (!res.ok) throw new Error(`transfer report: ${res.status} ${await res.text()}`);
  const file = join(out, `transfer-report-${sittingId}.pdf`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  say(`[${hhmm(clock.now())}] transfer report printed: ${relative(process.cwd(), file)}`);
}

for (const def of sittings) {
  const start = Date.parse(def.scheduledStart);
  const participants = exam.spec.candidates.filter((c) => c.sittingIds.includes(def.sittingId));
  say(
    `\n== ${def.subjectName} (${def.sittingId}), scheduled ${hhmm(start)}, ${participants.length} candidates ==`,
  );
  clock.skipTo(start - 30 * MIN);
  // Logging in takes real time (an fsync per login); hold the exam clock meanwhile.
  clock.hold();
  for (const p of proctors.values()) await p.openLogin(def.sittingId);
  say(`[${hhmm(clock.now())}] proctors open login`);

  const sims: SimulatedCandidate[] = [];
  // Every 20th candidate does not come: they are marked absent at the end.
  const present = participants.filter((_, i) => i % 20 !== 7);
  const places = overbooked ? await seatAtEntry(present) : present;
  for (const c of places) sims.push(new SimulatedCandidate(machineAt(c.roomId, c.seatNo!), ++simSeq * 7919));
  await Promise.all(
    sims.map(async (sim) => {
      // Back at its login screen: the previous sitting at this seat has ended.
      while (!sim.core.status().connected || sim.core.status().phase !== 'signed-out') await sleep(20);
      const c = places[sims.indexOf(sim)]!;
      await sim.core.login(c.ticketNo, c.idNumber);
    }),
  );
  say(
    `[${hhmm(clock.now())}] ${sims.length} candidates logged in, ${participants.length - sims.length} not arrived`,
  );

  // The start command at the scheduled time, never before it (the server refuses an early one).
  clock.skipTo(start);
  for (const p of proctors.values()) await p.start(def.sittingId);
  clock.release();
  say(`[${hhmm(clock.now())}] start command sent; papers open with the sitting key`);
  await Promise.all(
    sims.map(async (sim) => {
      while (!sim.core.paper()) await sleep(20);
      const v = sim.core.sitting()!;
      sim.plan(sim.core.paper()!, v.startedAt!, v.endsAt!, v.earliestHandInAt!);
    }),
  );

  const cutAt = start + 20 * MIN;
  const healAt = start + 30 * MIN;
  let lastPrint = 0;
  while (sims.some((s) => !s.core.status().handedIn)) {
    const now = clock.now();
    if (!link.cut && now >= cutAt && now < healAt) {
      link.sever();
      say(`[${hhmm(now)}] !! room R02's network is down: its candidates keep answering on their own disks`);
    }
    if (link.cut && now >= healAt) {
      link.heal();
      say(`[${hhmm(now)}] room R02's network is back: the backlog drains`);
    }
    for (const s of sims) s.step(now);
    if (performance.now() - lastPrint > 1000) {
      lastPrint = performance.now();
      const st = sims.map((s) => s.core.status());
      const rooms = [...proctors]
        .map(([roomId, p]) => {
          const n = p.state.counts(def.sittingId);
          return `${roomId} ${n.answering} answering ${n['handed-in']} handed in`;
        })
        .join(' | ');
      const pending = st.reduce((n, s) => n + s.pending, 0);
      const acked = st.reduce((n, s) => n + s.ackSeq, 0);
      say(`[${hhmm(now)}] ${rooms} | answers acked ${acked}, waiting on disk ${pending}`);
    }
    await sleep(25);
  }
  // Let the last acknowledgements and tile updates arrive before the end command.
  while (sims.some((s) => s.core.status().pending > 0)) await sleep(25);
  let packagePath = '';
  let absent = 0;
  for (const p of proctors.values()) {
    const ended = await p.end(def.sittingId);
    absent += ended.absent;
    if (ended.answerPackage) packagePath = ended.answerPackage;
  }
  say(`[${hhmm(clock.now())}] end command sent in every room; answer package written`);
  if (overbooked) await printTransferReport(def.sittingId);

  const centre = fromPkcs12(readFileSync(join(out, 'centre', 'centre.p12')), PINS.centre);
  const bytes = readFileSync(packagePath);
  const v = verifyAnswerPackage(bytes, centre, new Date(clock.now()));
  const tampered = Buffer.from(bytes);
  tampered[tampered.length - 10]! ^= 0x01;
  let tamperRefused = false;
  try {
    verifyAnswerPackage(tampered, centre, new Date(clock.now()));
  } catch {
    tamperRefused = true;
  }
  summaries.push({
    name: def.subjectName,
    expected: participants.length,
    absent,
    handedIn: v.candidates.filter((c) => c.status === 'handed-in').length,
    auto: v.candidates.filter((c) => c.handInKind === 'auto').length,
    changes: v.candidates.reduce((n, c) => n + c.changes, 0),
    packagePath,
    verified: `signature + ${v.auditEvents}-event audit chain OK; altered copy ${tamperRefused ? 'refused' : 'ACCEPTED (bug)'}`,
  });
}

const leftovers = [...machines.values()].reduce((n, m) => n + m.status().undelivered, 0);
for (const m of machines.values()) m.close();
for (const p of proctors.values()) p.close();
const consoleBackups = await makeConsoleBackups();
await link.close();
const receipts = await waitForReceipts(sittings.map((d) => d.sittingId));
const siteBackups = await waitForSiteBackups(sittings.map((d) => d.sittingId));
const provinceKey = loadProvinceKey(join(out, 'province', 'province.p12'), PINS.centre);
const backupChecks = [...siteBackups, ...consoleBackups].map((file) => {
  try {
    return {
      file,
      ok: true,
      text: describeBackup(relative(process.cwd(), file), checkBackup(readFileSync(file), provinceKey)),
    };
  } catch (e) {
    return { file, ok: false, text: `FAILED ${relative(process.cwd(), file)}: ${(e as Error).message}` };
  }
});
await server.close();
await receiver.close();

say('\n== Summary ==');
say(
  `test machines ${machines.size}, one per seat for the whole day (journals in ${relative(process.cwd(), join(out, 'machines'))}); changes left undelivered ${leftovers}`,
);
for (const s of summaries) {
  say(`${s.name}`);
  say(
    `  candidates ${s.expected}, handed in ${s.handedIn} (${s.auto} automatically at the end), absent ${s.absent}`,
  );
  say(`  answer changes saved ${s.changes}`);
  say(`  package  ${relative(process.cwd(), s.packagePath)}`);
  say(`  centre   ${s.verified}`);
}
say('\n== Uploads to the centre ==');
for (const r of receipts) {
  say(
    `${r.sittingId}: uploaded, receipt verified (receipt ${r.receiptId}, version ${r.version}${r.flagged ? ', FLAGGED' : ''})`,
  );
  say(`  receipt  ${relative(process.cwd(), r.file)}`);
}
say(
  `  received packages in ${relative(process.cwd(), join(out, 'receiver', 'packages'))} (log ${relative(process.cwd(), join(out, 'receiver.log'))})`,
);
say('\n== Backups, checked with the province key (check-backup) ==');
for (const b of backupChecks) say(b.text);
say(
  `  by hand: EXAM_PROVINCE_PIN=${PINS.centre} npx -y pnpm@10.34.9 check-backup --key ${relative(process.cwd(), join(out, 'province', 'province.p12'))} FILE…`,
);
writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summaries, null, 2)}\n`);
say(
  `\nCentre-side check by hand: ${verifyAnswersCommand({
    centrePin: PINS.centre,
    centreDir: relative(process.cwd(), join(out, 'centre')),
    exportsDir: relative(process.cwd(), join(out, 'site-data', 'exports')),
  })}`,
);
process.exit(0);

/**
 * The day's console backups, as each console makes them after the room's last sitting: its
 * replica sealed for the province (the certificate the site names, checked against the centre
 * root) and the centre, saved in the console's folder and deposited with the site, which
 * answers with the hash it stored.
 */
async function makeConsoleBackups(): Promise<string[]> {
  const files: string[] = [];
  // A console keeps its replica all day; here each room's console opens its replica at the
  // end of the day and catches it up from the site (what a console does after a restart),
  // so the replicas' writes do not slow the demo's fast clock while candidates answer.
  // Held still while they sign in: the challenge lives 60 s of the demo's fast clock.
  clock.hold();
  try {
    for (const [roomId, key] of proctorKeys) {
      const core = new ProctorCore({
        serverUrl: url,
        siteId: trust.siteId,
        centreRootPem: trust.centreRootPem,
        roomId,
        key,
        replicaPath: join(out, 'consoles', `${roomId}.replica.db`),
      });
      try {
        await core.ready();
        await core.pullReplica();
        const recipients = await core.backupRecipients();
        verifyCertificate(recipients.provinceCertPem, {
          trustedRootPem: trust.centreRootPem,
          at: new Date(),
        });
        const bytes = core.replica!.exportBackup({
          signerCertPem: key.certPem,
          signerPrivateKeyPem: key.privateKeyPem,
          recipientCertPems: [recipients.provinceCertPem, trust.centreRootPem],
          now: new Date(clock.now()),
        });
        const file = join(out, 'consoles', `console-${roomId}.exambak`);
        writeFileSync(file, bytes);
        const stored = await core.depositBackup(bytes.toString('base64'));
        if (stored.sha256 !== sha256Hex(bytes))
          throw new Error(`room ${roomId}: the site stored other bytes`);
        files.push(file);
      } finally {
        core.close();
      }
    }
  } finally {
    clock.release();
  }
  return files;
}

/** Waits (real time) for the site's own backup after each sitting, made and verified in the background. */
async function waitForSiteBackups(sittingIds: string[]): Promise<string[]> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    const res = await siteFetch(
      `${url}/api/admin/backups`,
      { headers: { authorization: `Bearer ${server.adminToken}` } },
      trust,
    );
    const body = (await res.json()) as {
      ok: boolean;
      value?: { sittings: { sittingId: string; state: string; backup: { path: string } | null }[] };
    };
    const done = sittingIds.map((id) =>
      body.value?.sittings.find((x) => x.sittingId === id && x.state === 'verified'),
    );
    if (done.every((x) => x?.backup)) return done.map((x) => x!.backup!.path);
    if (performance.now() > deadline)
      throw new Error(`site backups not verified in 120 s: ${JSON.stringify(body)}`);
    await sleep(100);
  }
}

/**
 * Waits (real time; the uploads run in the background after each end command) until every
 * sitting's package is received with a verified receipt, and copies each signed receipt out
 * of the site's database to receipts/ as the file the centre would hand over.
 */
async function waitForReceipts(sittingIds: string[]) {
  const deadline = performance.now() + 120_000;
  type Row = { sitting_id: string; sha256: string; state: string; receipt: string | null };
  let rows: Row[] = [];
  for (;;) {
    rows = server.ctx.db
      .prepare("SELECT sitting_id, sha256, state, receipt FROM uploads WHERE state <> 'superseded'")
      .all() as Row[];
    const done = sittingIds.every((id) =>
      rows.some((r) => r.sitting_id === id && r.state === 'receipt-verified'),
    );
    if (done) break;
    if (performance.now() > deadline) {
      throw new Error(
        `uploads not confirmed in 120 s: ${JSON.stringify(rows.map((r) => [r.sitting_id, r.state]))}`,
      );
    }
    await sleep(100);
  }
  mkdirSync(join(out, 'receipts'), { recursive: true });
  return rows
    .filter((r) => r.state === 'receipt-verified' && r.receipt !== null)
    .map((r) => {
      const signed = JSON.parse(r.receipt!) as {
        receipt: { receiptId: string; version: number; flagged: boolean };
      };
      const file = join(out, 'receipts', `receipt-${r.sitting_id}-${r.sha256.slice(0, 12)}.json`);
      writeFileSync(file, `${JSON.stringify(signed, null, 2)}\n`);
      return { sittingId: r.sitting_id, file, ...signed.receipt };
    });
}
