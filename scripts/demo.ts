import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CandidateCore, loadOrCreateMachineKey, scaledMonotonic } from '@exam/candidate-client/core';
import { verifyAnswerPackage } from '@exam/centre';
import { parseCommand, usageExit } from '@exam/cli';
import { fromPkcs12, readSiteTrust } from '@exam/crypto';
import { SITE_TIME_ZONE } from '@exam/domain';
import { ProctorCore } from '@exam/proctor-console/core';
import { createSiteServer, ScaledClock } from '@exam/site-server';
import { loadSiteIdentity, loadSiteTls } from '@exam/site-server/identity';
import {
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

/**
 * A demo exam day, end to end on the real stack: the centre builds and signs the exam, the
 * site server (embedded SQLite) imports it, a proctor console per room runs each sitting,
 * a candidate client per candidate answers, one room's network fails for ten minutes, and
 * the centre verifies the answer packages. Time runs `--speed` times faster than real.
 */
const DEMO = {
  name: 'demo',
  usage: `demo [--candidates 2..20000] [--speed 1..3600] [--sittings all|first] [--out DIR]
  --candidates N   how many candidates (default 60)
  --speed X        the exam clock runs X times faster than real time (default 300)
  --sittings S     all three sittings of the day, or only the first (default all)
  --out DIR        everything the demo writes, recreated on each run (default demo-data)`,
  options: {
    candidates: { type: 'string', default: '60' },
    speed: { type: 'string', default: '300' },
    sittings: { type: 'string', default: 'all' },
    out: { type: 'string', default: 'demo-data' },
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
const { exam } = makeDemoExam(out, count, PINS);
const sittings = values.sittings === 'first' ? exam.spec.sittings.slice(0, 1) : exam.spec.sittings;

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
const seats = [
  ...new Map(exam.spec.candidates.map((c) => [`${c.roomId}/${c.seatNo}`, c] as const)).values(),
].filter((c) => c.seatNo !== null && c.seatNo !== undefined);
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
  for (const c of present) sims.push(new SimulatedCandidate(machineAt(c.roomId, c.seatNo!), ++simSeq * 7919));
  await Promise.all(
    sims.map(async (sim) => {
      // Back at its login screen: the previous sitting at this seat has ended.
      while (!sim.core.status().connected || sim.core.status().phase !== 'signed-out') await sleep(20);
      const c = present[sims.indexOf(sim)]!;
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
await link.close();
await server.close();

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
writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summaries, null, 2)}\n`);
say(
  `\nCentre-side check by hand: ${verifyAnswersCommand({
    centrePin: PINS.centre,
    centreDir: relative(process.cwd(), join(out, 'centre')),
    exportsDir: relative(process.cwd(), join(out, 'site-data', 'exports')),
  })}`,
);
process.exit(0);
