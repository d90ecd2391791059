import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NAMESPACES, type ReplicaChange } from '@exam/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Server } from 'socket.io';
import { AdminAccount, ensureAdminPassword } from './admin/adminAccount.js';
import { CleanupState } from './admin/cleanupState.js';
import { loadOrCreateAdminToken } from './adminToken.js';
import { GroupCommitter } from './answers/groupCommit.js';
import { AnswerWriterThread } from './answers/writerThread.js';
import { backupChecklist } from './backups/backupChecklist.js';
import { SiteBackups } from './backups/siteBackups.js';
import { LoginLockouts } from './candidates/loginLockouts.js';
import { type Clock, systemClock } from './clock.js';
import { openDatabase } from './db/open.js';
import { SharedCommit } from './db/sharedCommit.js';
import { adminGuard } from './http/adminAuth.js';
import { registerAdminPage } from './http/adminPage.js';
import { registerAdminRoutes } from './http/adminRoutes.js';
import { registerAdminViewRoutes } from './http/adminViewRoutes.js';
import { registerCleanupRoutes } from './http/cleanupRoutes.js';
import { registerSessionRoutes } from './http/sessionRoutes.js';
import { MachinePresence, Presence } from './machines/presence.js';
import { RoomBroadcaster } from './rooms/roomBroadcaster.js';
import { createEvents, type SiteContext, type SiteIdentity } from './site/context.js';
import { EVENT_LIMITS, type EventLimits } from './site/eventLimits.js';
import { INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY, type SiteTls, tlsServerOptions } from './site/tls.js';
import { PaperCatalogue } from './sittings/papers.js';
import { autoHandInDue } from './sittings/sittingControl.js';
import { attachCandidateNamespace } from './sockets/candidateNamespace.js';
import type { CandidateNamespace } from './sockets/candidateSocket.js';
import { attachProctorNamespace } from './sockets/proctorNamespace.js';
import { type ProctorNamespace, proctorRoom } from './sockets/proctorRoom.js';
import { Uploader, type UploadOptions } from './uploads/uploader.js';
import { uploadsStatus } from './uploads/uploadStatus.js';

const LISTEN_BACKLOG = 4096;

export interface SiteServerOptions {
  dataDir: string;
  identity: SiteIdentity;
  /**
   * The site's TLS credential (issued by the centre, `pki.siteTls`): the server speaks HTTPS
   * and WSS only. `INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY` exists for the benchmark's
   * plain baseline and nothing else; no command-line option reaches it.
   */
  tls: SiteTls;
  clock?: Clock;
  logger?: Logger;
  /** How often (real milliseconds) the server checks for candidates whose time is up. */
  tickMs?: number;
  groupCommitWindowMs?: number;
  /** The proctor tiles' pace under a burst of saves (see `RoomBroadcaster`). */
  tiles?: { progressEveryTicks?: number; quietProgressTiles?: number };
  /** Message rate limits; EVENT_LIMITS unless a load test simulates a whole site from one address. */
  eventLimits?: EventLimits;
  /**
   * The centre's receiver (issue 18): each sitting's final answer package is uploaded there
   * over mutual TLS with the site key. Without it nothing is uploaded, and the status says so.
   */
  upload?: UploadOptions;
  /** The backups' retry pace (tests shrink it); they go to `<dataDir>/backups`. */
  backups?: { firstRetryMs?: number; maxRetryMs?: number };
  /**
   * After a guarded cleanup removed the site's data (decision 0018) and its reply was sent:
   * main.ts exits, so the next start is an empty site. Every request meanwhile gets NOT_READY.
   */
  onCleanedUp?: () => void;
}

export interface SiteServer {
  readonly ctx: SiteContext;
  readonly adminToken: string;
  readonly committer: GroupCommitter;
  /** The answer pipeline since the last call: batches, their size and time (stats log). */
  answerStats(): Record<string, number>;
  listen(opts?: { host?: string; port?: number }): Promise<string>;
  /** Runs the periodic checks now (auto hand-in); tests call it after moving the clock. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** Builds a complete site server without listening (STYLE §2); main.ts starts it. */
export function createSiteServer(opts: SiteServerOptions): SiteServer {
  mkdirSync(opts.dataDir, { recursive: true });
  const log = opts.logger ?? pino({ level: 'silent' });
  const dbPath = join(opts.dataDir, 'site.db');
  const db = openDatabase(dbPath);
  const clock = opts.clock ?? systemClock;
  const ctx: SiteContext = {
    db,
    clock,
    identity: opts.identity,
    papers: new PaperCatalogue(db, opts.identity.privateKeyPem),
    events: createEvents(),
    log,
    exportDir: join(opts.dataDir, 'exports'),
  };
  const adminToken = loadOrCreateAdminToken(opts.dataDir);
  const adminPasswordReady = ensureAdminPassword(ctx, opts.dataDir);

  const tls = opts.tls;
  const plain = tls === INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY;
  // The https instance's types differ from the http one's only in the raw server's type,
  // which nothing below depends on (socket.io takes either).
  const app = (
    tls === INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY
      ? Fastify({ loggerInstance: log as FastifyBaseLogger })
      : Fastify({ loggerInstance: log as FastifyBaseLogger, https: tlsServerOptions(tls) })
  ) as FastifyInstance;
  // Before every route: once the cleanup stops the live parts, nothing touches the closed database.
  const cleanupState = new CleanupState();
  app.addHook('onRequest', cleanupState.refuseAfterCleanup);
  const uploader = opts.upload ? new Uploader(ctx, opts.upload) : null;
  // The site database's backup after every sitting and on demand (issue 18).
  const backups = new SiteBackups(ctx, { dir: join(opts.dataDir, 'backups'), ...opts.backups });
  registerAdminRoutes(app, ctx, adminToken, () => uploadsStatus(ctx, uploader?.receiverUrl ?? null));

  const io = new Server(app.server, {
    serveClient: false,
    transports: ['websocket', 'polling'],
    // Large enough for a batch of long-text answers; the schemas bound each field.
    maxHttpBufferSize: 8 * 1024 * 1024,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });

  let broadcaster: RoomBroadcaster | null = null;
  const presence = new Presence((roomId, ticketNo, sittingId) =>
    broadcaster?.markDirty(roomId, ticketNo, sittingId),
  );
  const machines = new MachinePresence((roomId) => ctx.events.emit('machines-changed', { roomId }));
  // Answer saves are written on their own thread and connection (decision 0006).
  const writer = new AnswerWriterThread(dbPath, log);
  const committer = new GroupCommitter(
    writer,
    () => clock.now(),
    opts.groupCommitWindowMs ?? 2,
    2000,
    (reqs, outcomes, at) => {
      // A failed push must not stop the pipeline: the saves are stored and acknowledged,
      // and a console fetches what it missed with replica:pull.
      try {
        const byRoom = new Map<string, ReplicaChange[]>();
        for (const [i, r] of reqs.entries()) {
          const { answered, ackSeq, refused, lateArrival } = outcomes[i]!;
          // A refused save stored nothing: the consoles get none of it.
          if (refused) continue;
          broadcaster?.markProgress(r.roomId, r.ticketNo, r.sittingId, { answered, ackSeq, lastSyncAt: at });
          const list = byRoom.get(r.roomId) ?? [];
          for (const c of r.changes) {
            list.push({ ticketNo: r.ticketNo, sittingId: r.sittingId, ...c, receivedAt: at, lateArrival });
          }
          byRoom.set(r.roomId, list);
        }
        broadcaster?.sendCommitted(byRoom);
      } catch (e) {
        log.error({ err: e }, 'committed answers not pushed to the consoles');
      }
    },
  );
  const proctorNsp = io.of(NAMESPACES.proctor) as ProctorNamespace;
  broadcaster = new RoomBroadcaster(
    proctorNsp,
    ctx,
    presence,
    machines,
    250,
    opts.tiles?.progressEveryTicks,
    opts.tiles?.quietProgressTiles,
  );
  attachCandidateNamespace(io.of(NAMESPACES.candidate) as CandidateNamespace, ctx, {
    committer,
    limiter: new LoginLockouts(db),
    logins: new SharedCommit(db),
    limits: opts.eventLimits ?? EVENT_LIMITS,
    presence,
    machines,
  });
  attachProctorNamespace(proctorNsp, ctx, broadcaster, opts.eventLimits ?? EVENT_LIMITS);
  // The site admin page and its views (issue 18): a console is connected when a signed-in
  // proctor socket is in its room.
  registerAdminPage(app);
  registerAdminViewRoutes(app, ctx, adminGuard(ctx, adminToken), {
    consoleConnected: (roomId) => (proctorNsp.adapter.rooms.get(proctorRoom(roomId))?.size ?? 0) > 0,
  });
  // The admin's sign-in and the guarded cleanup (decision 0018).
  registerSessionRoutes(
    app,
    ctx,
    new AdminAccount(ctx, opts.dataDir, adminPasswordReady),
    adminGuard(ctx, adminToken),
  );
  registerCleanupRoutes(app, ctx, adminGuard(ctx, adminToken), {
    dataDir: opts.dataDir,
    backups: backupChecklist,
    state: cleanupState,
    stopLive: () => stopLive(),
    onCleanedUp: () => opts.onCleanedUp?.(),
  });

  // Saves that reached the server before a candidate's time ran out count as before the
  // automatic hand-in: it waits for their commit.
  const tick = async () => {
    await committer.afterCommits(() => autoHandInDue(ctx));
  };
  // One check at a time: behind a slow commit, the next tick would only queue a duplicate.
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick()
      .catch((e: unknown) => log.error({ err: e }, 'tick failed'))
      .finally(() => {
        ticking = false;
      });
  }, opts.tickMs ?? 1000);
  ticker.unref();
  // Picks up what a previous run left (an upload cut by a restart, a package not yet queued).
  uploader?.start();
  backups.start();

  // Everything that holds the data open, but not the HTTP server: what the cleanup stops
  // before it removes the files (the server goes on answering NOT_READY), and close() too.
  let liveStopped: Promise<void> | null = null;
  const stopLive = () => {
    liveStopped ??= (async () => {
      clearInterval(ticker);
      await uploader?.close();
      await backups.close();
      broadcaster?.close();
      await committer.drain();
      // No new socket.io handshake from now on: the database they would use is closing.
      io.engine.opts.allowRequest = (_req, done) => done('the site is being cleaned up', false);
      io.disconnectSockets(true);
      await committer.drain();
      await writer.close();
      await adminPasswordReady;
      db.close();
    })();
    return liveStopped;
  };

  let closed = false;
  return {
    ctx,
    adminToken,
    committer,
    answerStats: () => ({ ...committer.takeStats(), ...writer.takeStats() }),
    tick,
    async listen(l = {}) {
      // Node's default accept backlog (511) overflows when a whole site connects at once
      // (the morning's login, every machine reconnecting after a restart): the kernel then
      // drops SYNs and those machines wait for TCP's 1 s, 3 s, 7 s retries. The kernel caps
      // this at net.core.somaxconn.
      await app.listen({ host: l.host ?? '127.0.0.1', port: l.port ?? 0, backlog: LISTEN_BACKLOG });
      const addr = app.server.address();
      if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
      return `${plain ? 'http' : 'https'}://${l.host ?? '127.0.0.1'}:${addr.port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (liveStopped) {
        await liveStopped;
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await app.close().catch(() => {});
        return;
      }
      clearInterval(ticker);
      await uploader?.close();
      await backups.close();
      broadcaster?.close();
      // What was received before the close is committed and acknowledged; what arrives
      // while the sockets close is committed too, and the clients send it again anyway.
      await committer.drain();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await committer.drain();
      await writer.close();
      // The initial password's hash, if still being made, is stored before the database closes.
      await adminPasswordReady;
      db.close();
    },
  };
}
