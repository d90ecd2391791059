import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { Agent } from 'node:https';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSecureContext } from 'node:tls';
import { idNumberFor, ticketFor } from '@exam/centre';
import {
  generateMachineKeyPair,
  loadMachineSigningKey,
  type MachineKeyPair,
  type MachineSigningKey,
  type SiteTrust,
  sign,
  signMachineProof,
  siteTlsClientOptions,
  TlsBindingAgent,
} from '@exam/crypto';
import {
  type Ack,
  buildSignIn,
  type LoginResult,
  type MachineStatus,
  machineProofText,
  NAMESPACES,
  PROCTOR_SIGN_IN_EXPORTER_LABEL,
  PROTOCOL_VERSION,
  type SaveResult,
  type SignInChallenge,
  type SittingStarted,
} from '@exam/protocol';
import { siteFetch } from '@exam/testkit';
import { io, type Socket } from 'socket.io-client';
import { prng } from '../demo/simulatedCandidate.js';
import {
  type CandidateState,
  type Command,
  changeFor,
  type GeneratorConfig,
  type HandInResult,
  percentile,
  type Reply,
  type SavesResult,
  type SetupResult,
  type StartResult,
  type StopResult,
} from './messages.js';

/**
 * The load generator: a separate process driving N simulated candidates over real
 * socket.io (websocket transport, one connection per candidate, like N test machines)
 * through a sitting. The controller sends commands over the IPC channel and gets one
 * reply per command. Every acknowledgement received is appended to the ack log as
 * `ticket seq ackSeq`, which the fault tests hold against the database.
 */
const MAX_CHANGES_PER_SAVE = 200;
const SITTING_ID = 'S-J-ECON';
const SETUP_TIMEOUT_MS = 120_000;

const cfg = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
/** What every simulated machine and console trusts: the centre root and the siteId only. */
const trust: SiteTrust | null =
  cfg.centreRootPem && cfg.siteId ? { centreRootPem: cfg.centreRootPem, siteId: cfg.siteId } : null;
/**
 * One process plays 2,000 machines, and a machine builds its TLS context (parsing the centre
 * root) once for its own connection on its own CPU. Rebuilt per connection here, that parsing
 * would be the generator's cost 2,000 times over in the login storm, not the site's; one
 * context, shared through one agent, leaves every handshake a full one (no session is cached
 * or resumed), with the same root, verification and site check.
 */
const tlsOptions = trust
  ? {
      ...siteTlsClientOptions(trust),
      agent: new Agent({
        ...siteTlsClientOptions(trust),
        secureContext: createSecureContext({ ca: trust.centreRootPem }),
        maxCachedSessions: 0,
        // engine.io-client types `agent` as string | boolean, but hands it to `ws` as its agent.
      }) as unknown as string,
    }
  : {};
const random = prng(cfg.seed);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Buffered so the log costs little at thousands of acks a second; flushed every 50 ms. */
class AckLog {
  private readonly fd: number;
  private lines: string[] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(path: string) {
    this.fd = openSync(path, 'a');
    this.timer = setInterval(() => this.flush(), 50);
  }
  add(ticketNo: string, seq: number, ackSeq: number): void {
    this.lines.push(`${ticketNo} ${seq} ${ackSeq}\n`);
  }
  flush(): void {
    if (this.lines.length === 0) return;
    writeSync(this.fd, this.lines.join(''));
    this.lines = [];
  }
  close(): void {
    clearInterval(this.timer);
    this.flush();
    closeSync(this.fd);
  }
}
const ackLog = new AckLog(cfg.ackLogPath);

/** Latency samples for the current measurement window (ms), and counters. */
/** The generator's own lateness: a save timed here includes any wait on this loop. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

const window = {
  open: false,
  latencies: [] as number[],
  sent: 0,
  errors: {} as Record<string, number>,
};

function countError(code: string): void {
  window.errors[code] = (window.errors[code] ?? 0) + 1;
}

function withTimeout<T>(socket: Socket, event: string, payload: unknown, ms = 30_000): Promise<Ack<T>> {
  return socket.timeout(ms).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** hello + prove with the machine's key on `socket` (issue 16): every connection starts so. */
async function proveKey(
  socket: Socket,
  key: MachineKeyPair,
  signingKey: MachineSigningKey,
): Promise<MachineStatus> {
  const hello = await withTimeout<{ challenge: string; siteId: string }>(socket, 'machine:hello', {
    publicKey: key.publicKey,
    clientVersion: 'load',
  });
  if (!hello.ok) throw new Error(`machine:hello: ${hello.error.code}`);
  const signature = signMachineProof(signingKey, machineProofText(hello.value.siteId, hello.value.challenge));
  const proved = await withTimeout<MachineStatus>(socket, 'machine:prove', { signature });
  if (!proved.ok) throw new Error(`machine:prove: ${proved.error.code}`);
  return proved.value;
}

class SimCandidate {
  readonly socket: Socket;
  readonly machineId: string;
  /** The test machine's own key, made at its machine check; proves it on every connection. */
  readonly key: MachineKeyPair = generateMachineKeyPair();
  /** Read once, as the client reads its key file once at start-up, not per connection. */
  private readonly signingKey = loadMachineSigningKey(this.key.privateKeyPem);
  token: string | null = null;
  ready = false;
  keyAt: number | null = null;
  earliestHandInAt: number | null = null;
  lastSeq = 0;
  ackSeq = 0;
  reconnectAt: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private meanIntervalMs = 0;
  private connectedOnce = false;

  constructor(
    readonly ticketNo: string,
    readonly idNumber: string,
    readonly roomId: string,
    readonly seatNo: number,
  ) {
    // One machine per seat, as a site has: named by where it stands, not by who sits there.
    this.machineId = `load-${roomId}-${String(seatNo).padStart(3, '0')}`;
    this.socket = io(`${cfg.url}${NAMESPACES.candidate}`, {
      ...tlsOptions,
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      // socket.io's randomised backoff spreads a room's reconnects (ARCHITECTURE §11).
      reconnection: cfg.reconnect,
      reconnectionDelay: 300,
      reconnectionDelayMax: 3000,
      randomizationFactor: 0.5,
      auth: { protocolVersion: PROTOCOL_VERSION },
    });
    this.socket.on('sitting:started', (s: SittingStarted) => {
      if (this.keyAt === null && s.sittingKey) this.keyAt = performance.now();
      this.earliestHandInAt = s.sitting.earliestHandInAt;
    });
    this.socket.on('disconnect', () => {
      this.ready = false;
    });
    this.socket.on('connect', () => {
      if (this.connectedOnce) {
        this.reconnectAt.push(Date.now());
        void this.resync();
      }
      this.connectedOnce = true;
    });
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (e) => reject(e));
      this.socket.connect();
    });
  }

  /**
   * The machine check, the day before: on a connection of its own the machine proves its key
   * and asks for its seat; the room's (scripted) proctor approves it.
   */
  async machineCheck(): Promise<void> {
    const socket = io(`${cfg.url}${NAMESPACES.candidate}`, {
      ...tlsOptions,
      transports: ['websocket'],
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (e) =>
          reject(new Error(`machine check ${this.ticketNo}: ${e.message}`)),
        );
      });
      const status = await proveKey(socket, this.key, this.signingKey);
      if (status.status === 'approved' && status.roomId === this.roomId && status.seatNo === this.seatNo)
        return;
      const approved = new Promise<void>((resolve) => socket.once('machine:approved', () => resolve()));
      const joined = await withTimeout(socket, 'machine:join', { roomId: this.roomId, seatNo: this.seatNo });
      if (!joined.ok) throw new Error(`machine:join ${this.ticketNo}: ${joined.error.code}`);
      await approved;
    } finally {
      socket.disconnect();
    }
  }

  /** Every connection of an approved machine starts by proving its key. */
  async register(): Promise<void> {
    const status = await proveKey(this.socket, this.key, this.signingKey);
    if (status.status !== 'approved') throw new Error(`machine ${this.ticketNo} is ${status.status}`);
  }

  async login(): Promise<void> {
    const r = await withTimeout<LoginResult>(this.socket, 'candidate:login', {
      ticketNo: this.ticketNo,
      idNumber: this.idNumber,
    });
    if (!r.ok) throw new Error(`login ${this.ticketNo}: ${r.error.code}`);
    this.token = r.value.sessionToken;
    this.ackSeq = r.value.ackSeq;
    this.earliestHandInAt = r.value.sitting.earliestHandInAt;
    scheduledStart = r.value.sitting.scheduledStart;
    if (r.value.sittingKey && this.keyAt === null) this.keyAt = performance.now();
    this.ready = true;
  }

  /** After a reconnect: register, resume with the session token, re-send what is not acknowledged. */
  private async resync(): Promise<void> {
    if (cfg.mode === 'bare') {
      this.ready = true;
      return;
    }
    try {
      await this.register();
      if (!this.token) return;
      const r = await withTimeout<LoginResult>(this.socket, 'candidate:resume', { sessionToken: this.token });
      if (!r.ok) {
        countError(`resume:${r.error.code}`);
        return;
      }
      this.ackSeq = Math.max(this.ackSeq, r.value.ackSeq);
      this.ready = true;
      this.resend();
    } catch {
      // The connection dropped again mid-resync; the next connect starts over.
    }
  }

  private resend(): void {
    for (let from = this.ackSeq + 1; from <= this.lastSeq; from += MAX_CHANGES_PER_SAVE) {
      const seqs: number[] = [];
      for (let s = from; s <= Math.min(this.lastSeq, from + MAX_CHANGES_PER_SAVE - 1); s++) seqs.push(s);
      this.send(seqs, false);
    }
  }

  private send(seqs: number[], measured: boolean): void {
    const changes = seqs.map((seq) => ({ seq, ...changeFor(this.ticketNo, seq), flagged: false, madeAt: 0 }));
    const sentAt = performance.now();
    const inWindow = measured && window.open;
    if (inWindow) window.sent++;
    this.socket.emit('answer:save', { sittingId: SITTING_ID, changes }, (ack: Ack<SaveResult>) => {
      if (!ack.ok) {
        countError(ack.error.code);
        return;
      }
      const top = seqs[seqs.length - 1]!;
      ackLog.add(this.ticketNo, top, ack.value.ackSeq);
      if (ack.value.ackSeq > this.ackSeq) this.ackSeq = ack.value.ackSeq;
      if (inWindow && window.open) window.latencies.push(performance.now() - sentAt);
    });
  }

  /** One more answer: journalled in memory, sent at once when the connection is up. */
  saveOne(): void {
    const seq = ++this.lastSeq;
    if (this.ready && this.socket.connected) this.send([seq], true);
  }

  /** Saves at one per `meanMs` on average, each gap uniform in [0.5, 1.5]× (think time). */
  setPace(meanMs: number): void {
    this.meanIntervalMs = meanMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (meanMs <= 0) return;
    const tick = () => {
      this.saveOne();
      this.timer = setTimeout(tick, this.meanIntervalMs * (0.5 + random()));
    };
    // A random first delay so the candidates do not save in lockstep.
    this.timer = setTimeout(tick, meanMs * random());
  }

  state(): CandidateState {
    return {
      ticketNo: this.ticketNo,
      lastSeq: this.lastSeq,
      ackSeq: this.ackSeq,
      ready: this.ready,
      reconnectAt: this.reconnectAt,
    };
  }

  close(): void {
    this.setPace(0);
    this.socket.disconnect();
  }
}

const candidates: SimCandidate[] = [];
for (let i = 0; i < cfg.candidates; i++) {
  const room = Math.floor(i / cfg.perRoom) + 1;
  const seat = (i % cfg.perRoom) + 1;
  candidates.push(new SimCandidate(ticketFor(room, seat), idNumberFor(i + 1), `R${room}`, seat));
}
const roomIds = [...new Set(candidates.map((c) => c.roomId))];
const proctors = new Map<string, Socket>();

/** The sitting's scheduled start, as the first login reports it. */
let scheduledStart: number | null = null;

async function serverNow(): Promise<number> {
  const res = trust
    ? await siteFetch(`${cfg.url}/api/health`, {}, trust)
    : await fetch(`${cfg.url}/api/health`);
  return ((await res.json()) as { serverNow: number }).serverNow;
}

/** One console per room, signed in with the chief examiner's key (valid for every room). */
async function connectProctors(): Promise<void> {
  const key = JSON.parse(readFileSync(cfg.chiefKeyPath!, 'utf8')) as {
    certPem: string;
    privateKeyPem: string;
  };
  for (const roomId of roomIds) {
    // Signs in inside the connection: a fresh challenge, bound to this TLS connection.
    const agent = cfg.url.startsWith('https:') ? new TlsBindingAgent() : null;
    const s = io(`${cfg.url}${NAMESPACES.proctor}`, {
      ...tlsOptions,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      // engine.io-client types `agent` as string | boolean, but hands it to `ws` as its agent.
      ...(agent ? { agent: agent as unknown as string } : {}),
      auth: { protocolVersion: PROTOCOL_VERSION },
    });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', (e) => reject(new Error(`proctor ${roomId}: ${e.message}`)));
    });
    const challenge = await withTimeout<SignInChallenge>(s, 'proctor:challenge', {});
    if (!challenge.ok) throw new Error(`proctor ${roomId}: ${challenge.error.code}`);
    const request = buildSignIn(
      {
        certPem: key.certPem,
        siteId: cfg.siteId!,
        roomId,
        challenge: challenge.value.challenge,
        tlsBinding: agent?.binding(PROCTOR_SIGN_IN_EXPORTER_LABEL) ?? '',
      },
      (text) => sign(text, key.privateKeyPem),
    );
    const signedIn = await withTimeout(s, 'proctor:signIn', request);
    if (!signedIn.ok) throw new Error(`proctor ${roomId}: ${signedIn.error.message}`);
    proctors.set(roomId, s);
    approveJoinRequests(s);
    const sub = await withTimeout(s, 'room:subscribe', {});
    if (!sub.ok) throw new Error(`subscribe ${roomId}: ${sub.error.code}`);
    const opened = await withTimeout(s, 'login:open', { sittingId: SITTING_ID });
    if (!opened.ok) throw new Error(`login:open ${roomId}: ${opened.error.code}`);
  }
}

/** The scripted proctor of a room: approves every machine that asks for one of its seats. */
function approveJoinRequests(proctor: Socket): void {
  const asked = new Set<string>();
  proctor.on('room:joinRequests', ({ requests }: { requests: { fingerprint: string; seatNo: number }[] }) => {
    for (const r of requests) {
      if (asked.has(r.fingerprint)) continue;
      asked.add(r.fingerprint);
      void withTimeout(proctor, 'machine:approve', { fingerprint: r.fingerprint, seatNo: r.seatNo }).then(
        (a) => {
          if (!a.ok) asked.delete(r.fingerprint);
        },
      );
    }
  });
}

const MACHINE_CHECKS_AT_ONCE = 100;

/** Runs `fn` over all candidates, `width` at a time. */
async function inBatches(width: number, fn: (c: SimCandidate) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) await fn(candidates[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, candidates.length) }, worker));
}

/** Runs `fn` over all candidates at once (a storm), timing the whole. */
async function storm(fn: (c: SimCandidate) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const deadline = sleep(SETUP_TIMEOUT_MS).then(() => {
    throw new Error('storm did not finish in time');
  });
  await Promise.race([Promise.all(candidates.map(fn)), deadline]);
  return performance.now() - t0;
}

async function setup(): Promise<SetupResult> {
  if (cfg.mode === 'site') {
    await connectProctors();
    // The day before: every machine is approved for its seat. Not part of the timed storm,
    // and a few at a time, as machines are set up (2,000 TLS handshakes at once would only
    // time out on a busy host).
    await inBatches(MACHINE_CHECKS_AT_ONCE, (c) => c.machineCheck());
  }
  const t0 = performance.now();
  const connectMs = await storm((c) => c.connect());
  if (cfg.mode === 'bare') {
    for (const c of candidates) c.ready = true;
    return { connectMs, registerMs: 0, loginMs: 0, stormMs: connectMs, loggedIn: 0 };
  }
  const registerMs = await storm((c) => c.register());
  const loginMs = await storm((c) => c.login());
  return {
    connectMs,
    registerMs,
    loginMs,
    stormMs: performance.now() - t0,
    loggedIn: candidates.filter((c) => c.token).length,
  };
}

async function start(): Promise<StartResult> {
  // The server refuses a start before the scheduled time; on a run's fast clock a short
  // login storm can finish before it, so wait for the server's clock to get there.
  while (scheduledStart !== null && (await serverNow()) < scheduledStart) await sleep(20);
  const t0 = performance.now();
  const acks = await Promise.all(
    // A reason is sent always: on a scaled server clock the storm may run past the on-time grace.
    [...proctors.values()].map((p) =>
      withTimeout(p, 'sitting:start', {
        sittingId: SITTING_ID,
        reason: 'load run: start after the login storm',
      }),
    ),
  );
  const startAckMs = performance.now() - t0;
  const failed = acks.find((a) => !a.ok);
  if (failed && !failed.ok) throw new Error(`sitting:start: ${failed.error.code}`);
  const deadline = performance.now() + 60_000;
  while (candidates.some((c) => c.keyAt === null) && performance.now() < deadline) await sleep(10);
  const holding = candidates.filter((c) => c.keyAt !== null);
  return {
    allHoldKeyMs: Math.max(0, ...holding.map((c) => c.keyAt! - t0)),
    startAckMs,
    holding: holding.length,
  };
}

function pace(rate: number): void {
  const meanMs = rate > 0 ? (candidates.length / rate) * 1000 : 0;
  for (const c of candidates) c.setPace(meanMs);
}

async function saves(rate: number, durationMs: number, drainMs = 5000): Promise<SavesResult> {
  pace(rate);
  // One mean interval of warm-up, so the window sees the steady rate, not the ramp.
  await sleep(Math.min(2000, (candidates.length / rate) * 1000));
  window.open = true;
  loopDelay.reset();
  window.latencies = [];
  window.sent = 0;
  window.errors = {};
  await sleep(durationMs);
  pace(0);
  const loopP99 = loopDelay.percentile(99) / 1e6;
  const loopMax = loopDelay.max / 1e6;
  const sent = window.sent;
  const deadline = performance.now() + drainMs;
  while (window.latencies.length + sumErrors() < sent && performance.now() < deadline) await sleep(20);
  window.open = false;
  const sorted = window.latencies.slice().sort((a, b) => a - b);
  const unanswered = sent - sorted.length - sumErrors();
  // An unanswered save counts as slower than any answered one.
  const withMissing = unanswered > 0 ? [...sorted, ...Array<number>(unanswered).fill(Infinity)] : sorted;
  const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : -1);
  return {
    offeredRate: rate,
    achievedRate: Math.round((sorted.length / durationMs) * 1000),
    sent,
    acked: sorted.length,
    unanswered,
    p50: r3(percentile(withMissing, 50)),
    p90: r3(percentile(withMissing, 90)),
    p99: r3(percentile(withMissing, 99)),
    max: r3(withMissing[withMissing.length - 1] ?? 0),
    errors: { ...window.errors },
    generatorLoopMs: { p99: r3(loopP99), max: r3(loopMax) },
  };
}

function sumErrors(): number {
  return Object.values(window.errors).reduce((a, b) => a + b, 0);
}

/** Stops answering and waits until every candidate's acknowledged sequence reaches its last. */
async function stop(timeoutMs: number): Promise<StopResult> {
  pace(0);
  const deadline = performance.now() + timeoutMs;
  while (candidates.some((c) => c.ackSeq < c.lastSeq) && performance.now() < deadline) await sleep(50);
  ackLog.flush();
  const lagging = candidates.filter((c) => c.ackSeq < c.lastSeq);
  return {
    resynced: candidates.length - lagging.length,
    lagging: lagging.slice(0, 20).map((c) => ({
      ticketNo: c.ticketNo,
      lastSeq: c.lastSeq,
      ackSeq: c.ackSeq,
      ready: c.ready,
    })),
    totalSeq: candidates.reduce((n, c) => n + c.lastSeq, 0),
    reconnects: candidates.reduce((n, c) => n + c.reconnectAt.length, 0),
  };
}

/** Waits (bounded) for the earliest hand-in by the server's clock, then every candidate hands in. */
async function handIn(maxWaitMs: number): Promise<HandInResult> {
  const t0 = performance.now();
  const earliest = Math.max(...candidates.map((c) => c.earliestHandInAt ?? 0));
  while (performance.now() - t0 < maxWaitMs) {
    const now = await withTimeout<{ serverNow: number }>(candidates[0]!.socket, 'time:sync', {});
    if (now.ok && now.value.serverNow >= earliest) break;
    await sleep(500);
  }
  const waitedMs = performance.now() - t0;
  const errors: Record<string, number> = {};
  const t1 = performance.now();
  const results = await Promise.all(
    candidates.map((c) => withTimeout(c.socket, 'exam:handIn', { sittingId: SITTING_ID })),
  );
  for (const r of results) if (!r.ok) errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
  return {
    waitedMs,
    handInMs: performance.now() - t1,
    handedIn: results.filter((r) => r.ok).length,
    errors,
  };
}

async function run(cmd: Command): Promise<unknown> {
  switch (cmd.type) {
    case 'setup':
      return setup();
    case 'start':
      return start();
    case 'saves':
      return saves(cmd.rate, cmd.durationMs, cmd.drainMs);
    case 'run':
      pace(cmd.rate);
      return { pacing: cmd.rate };
    case 'stop':
      return stop(cmd.timeoutMs);
    case 'handIn':
      return handIn(cmd.maxWaitMs);
    case 'flush':
      ackLog.flush();
      return { flushed: true };
    case 'state':
      return candidates.map((c) => c.state());
    case 'close':
      for (const c of candidates) c.close();
      for (const p of proctors.values()) p.disconnect();
      ackLog.close();
      setTimeout(() => process.exit(0), 50);
      return { closed: true };
  }
}

process.on('message', (msg: { id: number; cmd: Command }) => {
  run(msg.cmd).then(
    (value) => process.send?.({ id: msg.id, ok: true, value } satisfies Reply),
    (e: unknown) =>
      process.send?.({
        id: msg.id,
        ok: false,
        message: e instanceof Error ? e.message : String(e),
      } satisfies Reply),
  );
});
// The controller going away ends the run.
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, value: 'ready' } satisfies Reply);
