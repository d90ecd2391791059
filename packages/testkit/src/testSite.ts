import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BuiltExam,
  buildExamPackages,
  createExamPki,
  type ExamPki,
  issueKeyHolder,
  type KeyHolder,
  type TestExamOptions,
  testExamSpec,
} from '@exam/centre';
import { certificateFingerprint, sign } from '@exam/crypto';
import {
  type Ack,
  buildSignInProof,
  type LoginResult,
  NAMESPACES,
  PROTOCOL_VERSION,
  type SignInProof,
} from '@exam/protocol';
import {
  createSiteServer,
  type ImportSummary,
  importAuthorization,
  importExamData,
  ManualClock,
  type SiteServer,
  type SiteServerOptions,
} from '@exam/site-server';
import { io, type Socket } from 'socket.io-client';

/**
 * A real site server on a real SQLite file and a loopback port, loaded with a small test
 * exam. The clock is manual: tests move time instead of sleeping.
 */
export interface TestSite {
  server: SiteServer;
  url: string;
  clock: ManualClock;
  pki: TestPki;
  dataDir: string;
  imported: ImportSummary;
  /** The packages as built, with the approval-code keys the province and centre hold. */
  built: BuiltExam;
  juniorStart: number;
  /** Stops the server (as on a crash when `keepData`), optionally keeping the data dir. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** A new server on the same data directory and port, as after a restart. */
  restart(): Promise<void>;
}

export interface TestPki extends ExamPki {
  /** Registered proctor keys by room, R1..R4, and the chief examiner's key. */
  proctors: Map<string, KeyHolder>;
  chief: KeyHolder;
  /** A key issued by the centre but never registered for this exam. */
  unregistered: KeyHolder;
}

let sharedPki: TestPki | null = null;
/** RSA key generation is the slow part of a test's setup; one PKI serves a test file. */
export function testPki(): TestPki {
  if (sharedPki) return sharedPki;
  // Valid from 2020, so test clocks set in 2021 and the real clock both fall inside.
  const validity = { validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 3650 * 2 };
  const pki = createExamPki('SITE-T', validity);
  const proctors = new Map(
    ['R1', 'R2', 'R3', 'R4'].map((roomId) => [
      roomId,
      issueKeyHolder(pki, { role: 'proctor', roomId, holder: `监考${roomId}` }, validity),
    ]),
  );
  const chief = issueKeyHolder(pki, { role: 'chief', roomId: null, holder: '主考' }, validity);
  const unregistered = issueKeyHolder(pki, { role: 'proctor', roomId: 'R1', holder: '未注册' }, validity);
  sharedPki = { ...pki, proctors, chief, unregistered };
  return sharedPki;
}

export function registeredKeysOf(pki: TestPki) {
  return [...pki.proctors.values(), pki.chief].map((k) => ({
    fingerprint: certificateFingerprint(k.certPem),
    role: k.role,
    roomId: k.roomId,
    holder: k.holder,
  }));
}

/** A fresh sign-in proof for a key holder, as a proctor console makes at each connect. */
export function signInProofFor(
  holder: KeyHolder,
  roomId: string,
  signedAt: number,
  siteId = 'SITE-T',
): SignInProof {
  return buildSignInProof(
    { certPem: holder.certPem, siteId, roomId, signedAt, nonce: randomBytes(16).toString('hex') },
    (text) => sign(text, holder.privateKeyPem),
  );
}

export async function startTestSite(
  opts: Partial<TestExamOptions> & {
    withAuthorization?: boolean;
    dataDir?: string;
    tiles?: SiteServerOptions['tiles'];
  } = {},
): Promise<TestSite> {
  const juniorStart = opts.juniorStart ?? new Date(Date.UTC(2021, 9, 23, 0, 30));
  const pki = testPki();
  const built = buildExamPackages(
    { ...testExamSpec({ ...opts, juniorStart }), registeredKeys: registeredKeysOf(pki) },
    pki.centre,
    pki.site.certPem,
    {
      validFrom: new Date(juniorStart.getTime() - 86_400_000),
      validUntil: new Date(juniorStart.getTime() + 2 * 86_400_000),
    },
    new Date(juniorStart.getTime() - 86_400_000),
  );
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'site-test-'));
  const clock = new ManualClock(juniorStart.getTime() - 30 * 60_000);
  const identity = {
    certPem: pki.site.certPem,
    privateKeyPem: pki.site.privateKeyPem,
    trustedRootPem: pki.centre.certPem,
  };
  let server = createSiteServer({ dataDir, identity, clock, tickMs: 50, tiles: opts.tiles });
  let url = await server.listen();
  const port = Number(new URL(url).port);
  const imported = importExamData(server.ctx, built.examData);
  if (opts.withAuthorization !== false) importAuthorization(server.ctx, built.authorization);
  const site: TestSite = {
    get server() {
      return server;
    },
    get url() {
      return url;
    },
    clock,
    pki,
    dataDir,
    imported,
    built,
    juniorStart: juniorStart.getTime(),
    async stop(o = {}) {
      await server.close();
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await server.close();
      server = createSiteServer({ dataDir, identity, clock, tickMs: 50, tiles: opts.tiles });
      url = await server.listen({ port });
    },
  };
  return site;
}

/** A raw socket.io client, for tests that speak the protocol directly. */
export function rawSocket(
  url: string,
  namespace: 'candidate' | 'proctor',
  auth: Record<string, unknown> = {},
): Socket {
  return io(`${url}${NAMESPACES[namespace]}`, {
    transports: ['websocket'],
    reconnection: false,
    // Its own connection: sharing a manager with another client in the process (a proctor
    // core) would hide this namespace's handshake behind that one.
    forceNew: true,
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
  });
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

export async function proctorSocket(site: TestSite, roomId: string, holder?: KeyHolder): Promise<Socket> {
  const key = holder ?? site.pki.proctors.get(roomId)!;
  const s = rawSocket(site.url, 'proctor', { roomId, proof: signInProofFor(key, roomId, site.clock.now()) });
  await connected(s);
  return s;
}

/** Emits and waits for the typed acknowledgement. */
export async function call<T = unknown>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return (await socket.timeout(5000).emitWithAck(event, payload)) as T;
}

export interface TestSeat {
  roomId: string;
  seatNo: number;
  machineId: string;
  ticketNo: string;
  idNumber: string;
}

/**
 * A test machine brought up as the candidate client does it: connected, registered at its
 * seat, the candidate logged in. A refused step throws with the server's message (and the
 * socket is closed); the caller disconnects the socket it gets back.
 */
export async function seatedCandidate(
  url: string,
  seat: TestSeat,
): Promise<{ socket: Socket; login: LoginResult }> {
  const socket = rawSocket(url, 'candidate');
  try {
    await connected(socket);
    const registered = await call<Ack<unknown>>(socket, 'machine:register', {
      roomId: seat.roomId,
      seatNo: seat.seatNo,
      machineId: seat.machineId,
      clientVersion: '1',
    });
    if (!registered.ok) throw new Error(`machine:register refused: ${registered.error.message}`);
    const login = await call<Ack<LoginResult>>(socket, 'candidate:login', {
      ticketNo: seat.ticketNo,
      idNumber: seat.idNumber,
    });
    if (!login.ok) throw new Error(`candidate:login refused: ${login.error.message}`);
    return { socket, login: login.value };
  } catch (e) {
    socket.disconnect();
    throw e;
  }
}
