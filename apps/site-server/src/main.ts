import { parseCommand, usageExit } from '@exam/cli';
import pino from 'pino';
import { createSiteServer } from './app.js';
import { type Clock, ScaledClock, systemClock } from './clock.js';
import { buildAdminPageInBackground } from './http/adminPage.js';
import { loadSiteIdentity, loadSiteTls } from './identity.js';
import { startLoopStats } from './loopStats.js';
import { EVENT_LIMITS_ONE_ADDRESS_LOAD } from './site/eventLimits.js';
import { INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY, insecurePlainHttpRequested } from './site/tls.js';

/**
 * Starts a site server: `site-server --data-dir DIR --identity-dir DIR [--port 8443]`.
 * The site key's PIN comes from EXAM_SITE_PIN so it never appears in a process listing.
 */
const SITE_SERVER = {
  name: 'site-server',
  usage: `site-server --data-dir DIR --identity-dir DIR [--host H] [--port P]
                   [--clock-start TIME [--clock-scale X]] [--receiver-url URL] [--loop-stats-ms N]
                   [--load-test-one-address]
  --data-dir DIR      site.db, admin-token, admin-initial-password and exports/ (created if missing)
  --identity-dir DIR  site.p12 and site-tls.p12 (PIN in EXAM_SITE_PIN) and centre-root.pem, as
                      make-exam writes them; the server speaks HTTPS/WSS only, with site-tls.p12
  --host H --port P   where to listen (default 127.0.0.1, and 0: a free port, printed)
  --clock-start TIME  run the site's clock from TIME (ISO 8601, e.g. 2021-10-23T08:20:00+08:00)
                      instead of the real time, to run an exam built for another day; it starts
                      again from TIME at every start of the server
  --clock-scale X     with --clock-start: X times faster than real time (default 1)
  --receiver-url URL  the centre's receiver (https://…): each sitting's final answer package is
                      uploaded there over mutual TLS with site.p12; without it nothing is uploaded
  --loop-stats-ms N   log the event-loop delay every N ms
  --load-test-one-address  load tests only: every simulated machine connects from this host's
                      one address, so the per-address message limit is lifted (the others stay)`,
  options: {
    'data-dir': { type: 'string' },
    'identity-dir': { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'clock-start': { type: 'string' },
    'clock-scale': { type: 'string' },
    'receiver-url': { type: 'string' },
    // Logs event-loop delay every N ms (the benchmark reads it per phase).
    'loop-stats-ms': { type: 'string' },
    'load-test-one-address': { type: 'boolean', default: false },
  },
} as const;
const { values } = parseCommand(SITE_SERVER);

const dataDir = values['data-dir'];
const identityDir = values['identity-dir'];
if (!dataDir || !identityDir) usageExit(SITE_SERVER, '--data-dir and --identity-dir are required');
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) usageExit(SITE_SERVER, '--port is 0..65535');
const clockStart = values['clock-start'] === undefined ? null : Date.parse(values['clock-start']);
const clockScale = Number(values['clock-scale'] ?? 1);
if (clockStart !== null && Number.isNaN(clockStart))
  usageExit(SITE_SERVER, '--clock-start is a date and time, e.g. 2021-10-23T08:20:00+08:00');
if (values['clock-scale'] !== undefined && clockStart === null)
  usageExit(SITE_SERVER, '--clock-scale needs --clock-start');
if (!(Number.isFinite(clockScale) && clockScale > 0))
  usageExit(SITE_SERVER, '--clock-scale is a number above 0');
const receiverUrl = values['receiver-url'];
if (receiverUrl !== undefined && !URL.canParse(receiverUrl))
  usageExit(SITE_SERVER, '--receiver-url is an https:// address, e.g. https://10.0.0.1:9443');
if (receiverUrl !== undefined && new URL(receiverUrl).protocol !== 'https:')
  usageExit(SITE_SERVER, '--receiver-url must be https://: the upload uses mutual TLS');

const log = pino(
  { level: process.env.LOG_LEVEL ?? 'info' },
  process.stdout.isTTY ? pino.transport({ target: 'pino-pretty' }) : pino.destination(1),
);
const clock: Clock = clockStart === null ? systemClock : new ScaledClock(clockStart, clockScale);

const server = createSiteServer({
  dataDir,
  identity: loadSiteIdentity(identityDir, process.env.EXAM_SITE_PIN ?? ''),
  tls: insecurePlainHttpRequested()
    ? INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY
    : loadSiteTls(identityDir, process.env.EXAM_SITE_PIN ?? ''),
  clock,
  logger: log,
  ...(values['load-test-one-address'] ? { eventLimits: EVENT_LIMITS_ONE_ADDRESS_LOAD } : {}),
  ...(receiverUrl === undefined ? {} : { upload: { receiverUrl } }),
  // The guarded cleanup removed the exam data (decision 0018): stop; the next start is an empty site.
  onCleanedUp: () => {
    log.info('site data cleaned up: the server stops; start it again to import new exam data');
    void server.close().then(() => process.exit(0));
  },
});
const url = await server.listen({ host: values.host, port });
// The first line on stdout is machine-readable, for the scripts that start a server.
log.info({ url, dataDir, receiverUrl: receiverUrl ?? null }, 'site server listening');
// The admin page at /admin/: built once in the background, so the start does not wait for it.
buildAdminPageInBackground(log);
const loopStatsMs = Number(values['loop-stats-ms'] ?? 0);
if (loopStatsMs > 0) startLoopStats(log, loopStatsMs, () => ({ answers: server.answerStats() }));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
  });
}
