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
  provinceRef,
  type TestExamOptions,
  testExamSpec,
} from '@exam/centre';
import { certificateFingerprint, type SiteTrust, siteTlsClientOptions } from '@exam/crypto';
import { NAMESPACES, PROTOCOL_VERSION } from '@exam/protocol';

const DAY_MS = 86_400_000;

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
import { closeMachineApprovers, registerMachineApprover } from './approvers.js';
import { signedInProctorSocket } from './proctorSignIn.js';

/**
 * A real site server on a real SQLite file and a loopback port, loaded with a small test
 * exam. The clock is manual: tests move time instead of sleeping.
 */
export interface TestSite {
  server: SiteServer;
  /** `https://127.0.0.1:PORT`: the server speaks TLS only. */
  url: string;
  /** What a client of this site is installed with: the centre root and the site's id. */
  trust: SiteTrust;
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

/** What every test client trusts: the test PKI's centre root, and the test site SITE-T. */
export function testTrust(): SiteTrust {
  const pki = testPki();
  return { centreRootPem: pki.centre.certPem, siteId: pki.site.siteId };
}

export function registeredKeysOf(pki: TestPki) {
  return [...pki.proctors.values(), pki.chief].map((k) => ({
    fingerprint: certificateFingerprint(k.certPem),
    role: k.role,
    roomId: k.roomId,
    holder: k.holder,
  }));
}

/**
 * The test exam's packages for this PKI's site, valid from the day before the junior
 * sitting to two days after it: what the centre would hand the site.
 */
export function buildTestExam(
  pki: TestPki,
  opts: Partial<TestExamOptions> & { juniorStart: Date },
): BuiltExam {
  const { juniorStart } = opts;
  return buildExamPackages(
    { ...testExamSpec({ ...opts, province: provinceRef(pki) }), registeredKeys: registeredKeysOf(pki) },
    pki.centre,
    pki.site.certPem,
    {
      validFrom: new Date(juniorStart.getTime() - DAY_MS),
      validUntil: new Date(juniorStart.getTime() + 2 * DAY_MS),
    },
    new Date(juniorStart.getTime() - DAY_MS),
  );
}

export async function startTestSite(
  opts: Partial<TestExamOptions> & {
    withAuthorization?: boolean;
    dataDir?: string;
    tiles?: SiteServerOptions['tiles'];
    /** The server's pino logger (silent by default): tests that check what the site logs. */
    logger?: SiteServerOptions['logger'];
    /** The centre receiver to upload final answer packages to (issue 18). */
    upload?: SiteServerOptions['upload'];
    /** The backups' retry pace (issue 18). */
    backups?: SiteServerOptions['backups'];
  } = {},
): Promise<TestSite> {
  const juniorStart = opts.juniorStart ?? new Date(Date.UTC(2021, 9, 23, 0, 30));
  const pki = testPki();
  const built = buildTestExam(pki, { ...opts, juniorStart });
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'site-test-'));
  const clock = new ManualClock(juniorStart.getTime() - 30 * 60_000);
  const identity = {
    certPem: pki.site.certPem,
    privateKeyPem: pki.site.privateKeyPem,
    trustedRootPem: pki.centre.certPem,
  };
  const tls = { certPem: pki.siteTls.certPem, privateKeyPem: pki.siteTls.privateKeyPem };
  const serverOptions = {
    dataDir,
    identity,
    tls,
    clock,
    tickMs: 50,
    tiles: opts.tiles,
    logger: opts.logger,
    upload: opts.upload,
    backups: opts.backups,
  };
  let server = createSiteServer(serverOptions);
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
    trust: testTrust(),
    clock,
    pki,
    dataDir,
    imported,
    built,
    juniorStart: juniorStart.getTime(),
    async stop(o = {}) {
      closeMachineApprovers(url);
      await server.close();
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await server.close();
      server = createSiteServer(serverOptions);
      url = await server.listen({ port });
    },
  };
  registerMachineApprover(url, (roomId) =>
    proctorSocket(site, roomId, pki.proctors.get(roomId) ?? pki.chief),
  );
  return site;
}

/**
 * A raw socket.io client, for tests that speak the protocol directly. Over TLS, trusting
 * `trust` only (by default the test site's centre root and siteId), as the real clients do.
 */
export function rawSocket(
  url: string,
  namespace: 'candidate' | 'proctor',
  auth: Record<string, unknown> = {},
  trust: SiteTrust = testTrust(),
): Socket {
  return io(`${url}${NAMESPACES[namespace]}`, {
    ...siteTlsClientOptions(trust),
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
  return signedInProctorSocket(site.url, testTrust(), key, roomId);
}

/** Emits and waits for the typed acknowledgement. */
export async function call<T = unknown>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return (await socket.timeout(5000).emitWithAck(event, payload)) as T;
}
