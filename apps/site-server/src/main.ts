import { parseArgs } from 'node:util';
import pino from 'pino';
import { createSiteServer } from './app.js';
import { type Clock, ScaledClock, systemClock } from './clock.js';
import { loadSiteIdentity } from './identity.js';
import { startLoopStats } from './loopStats.js';

/**
 * Starts a site server: `tsx src/main.ts --data-dir DIR --identity-dir DIR [--port 8443]`.
 * The site key's PIN comes from EXAM_SITE_PIN so it never appears in a process listing.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'identity-dir': { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'clock-start': { type: 'string' },
    'clock-scale': { type: 'string' },
    // Logs event-loop delay every N ms (the benchmark reads it per phase).
    'loop-stats-ms': { type: 'string' },
  },
});

const dataDir = values['data-dir'];
const identityDir = values['identity-dir'];
if (!dataDir || !identityDir) {
  process.stderr.write('usage: main.ts --data-dir DIR --identity-dir DIR [--host H] [--port P]\n');
  process.exit(2);
}

const log = pino(
  { level: process.env.LOG_LEVEL ?? 'info' },
  process.stdout.isTTY ? pino.transport({ target: 'pino-pretty' }) : pino.destination(1),
);
const clock: Clock =
  values['clock-start'] && values['clock-scale']
    ? new ScaledClock(Date.parse(values['clock-start']), Number(values['clock-scale']))
    : systemClock;

const server = createSiteServer({
  dataDir,
  identity: loadSiteIdentity(identityDir, process.env.EXAM_SITE_PIN ?? ''),
  clock,
  logger: log,
});
const url = await server.listen({ host: values.host, port: Number(values.port) });
// The first line on stdout is machine-readable, for the scripts that start a server.
log.info({ url, dataDir }, 'site server listening');
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
