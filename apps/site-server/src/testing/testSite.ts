import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildExamPackages,
  createExamPki,
  type ExamPki,
  type TestExamOptions,
  testExamSpec,
} from '@exam/centre';
import { NAMESPACES, PROTOCOL_VERSION } from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import { createSiteServer, type SiteServer } from '../app.js';
import { ManualClock } from '../clock.js';
import type { ImportSummary } from '../services/examImport.js';
import { importAuthorization, importExamData } from '../services/examImport.js';

/**
 * A real site server on a real SQLite file and a loopback port, loaded with a small test
 * exam. The clock is manual: tests move time instead of sleeping.
 */
export interface TestSite {
  server: SiteServer;
  url: string;
  clock: ManualClock;
  pki: ExamPki;
  dataDir: string;
  imported: ImportSummary;
  juniorStart: number;
  /** Stops the server (as on a crash when `keepData`), optionally keeping the data dir. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** A new server on the same data directory and port, as after a restart. */
  restart(): Promise<void>;
}

let sharedPki: ExamPki | null = null;
/** RSA key generation is the slow part of a test's setup; one PKI serves a test file. */
export function testPki(): ExamPki {
  // Valid from 2020, so test clocks set in 2021 and the real clock both fall inside.
  sharedPki ??= createExamPki('SITE-T', { validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 3650 * 2 });
  return sharedPki;
}

export async function startTestSite(
  opts: Partial<TestExamOptions> & { withAuthorization?: boolean; dataDir?: string } = {},
): Promise<TestSite> {
  const juniorStart = opts.juniorStart ?? new Date(Date.UTC(2021, 9, 23, 0, 30));
  const pki = testPki();
  const built = buildExamPackages(
    testExamSpec({ ...opts, juniorStart }),
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
  let server = createSiteServer({ dataDir, identity, clock, tickMs: 50 });
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
    juniorStart: juniorStart.getTime(),
    async stop(o = {}) {
      await server.close();
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await server.close();
      server = createSiteServer({ dataDir, identity, clock, tickMs: 50 });
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

export async function proctorSocket(site: TestSite, roomId: string): Promise<Socket> {
  const s = rawSocket(site.url, 'proctor', { roomId, credential: site.imported.proctorCredentials[roomId] });
  await connected(s);
  return s;
}

/** Emits and waits for the typed acknowledgement. */
export async function call<T = unknown>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return (await socket.timeout(5000).emitWithAck(event, payload)) as T;
}
