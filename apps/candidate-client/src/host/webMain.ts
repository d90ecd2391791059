import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommand, usageExit } from '@exam/cli';
import { readSiteTrust } from '@exam/crypto';
import { DEFAULT_RENDERER_OUT } from '../build/buildRenderer.js';
import { CandidateHost } from './candidateHost.js';
import { ensureRenderer } from './rendererBuild.js';
import { startWebHost } from './webHost.js';

/**
 * Web mode by hand: the candidate client in a browser on this machine, against a running
 * site server. `pnpm candidate:web --server https://127.0.0.1:8443 --centre-root site/centre-root.pem
 * --site-id LN-0101 --room R01 --seat 1`
 * then open the printed address (its fragment carries this start's bridge token).
 * Loopback only; a kiosk uses Electron. One process per
 * test machine: each has its own seat, journal and (by default, a free) port.
 */
const CANDIDATE_WEB = {
  name: 'candidate:web',
  usage: `candidate:web --centre-root FILE --site-id ID [--server URL] [--room R] [--seat N] [--port P]
              [--data DIR] [--no-build]
  --centre-root FILE  the centre root certificate (PEM), the only one trusted for the server
  --site-id ID  the site this machine belongs to: a server certificate for another is refused
  --server URL  the site server (default https://127.0.0.1:8443)
  --room R --seat N  the test machine's room and seat (default R01, 1)
  --port P      where this machine's page listens on loopback (default 0: a free port,
                printed; give one to keep the port across restarts)
  --data DIR    the machines' journals, one folder per room and seat (default .data/candidate)
  --no-build    serve the renderer as built, even if its sources changed
Prints the address to open in a browser.`,
  options: {
    server: { type: 'string', default: 'https://127.0.0.1:8443' },
    'centre-root': { type: 'string' },
    'site-id': { type: 'string' },
    room: { type: 'string', default: 'R01' },
    seat: { type: 'string', default: '1' },
    data: { type: 'string', default: '.data/candidate' },
    port: { type: 'string', default: '0' },
    'no-build': { type: 'boolean', default: false },
  },
} as const;
const { values } = parseCommand(CANDIDATE_WEB);
const seatNo = Number(values.seat);
const port = Number(values.port);
if (!Number.isInteger(seatNo) || seatNo < 1) usageExit(CANDIDATE_WEB, '--seat is a seat number, 1 or more');
if (!Number.isInteger(port) || port < 0 || port > 65_535) usageExit(CANDIDATE_WEB, '--port is 0..65535');
if (!/^https:\/\/[^/]+$/.test(values.server)) usageExit(CANDIDATE_WEB, '--server is https://host:port');
if (!values['centre-root'] || !values['site-id'])
  usageExit(
    CANDIDATE_WEB,
    '--centre-root and --site-id are required (make-exam writes site/centre-root.pem)',
  );
const trust = readSiteTrust(readFileSync(values['centre-root'], 'utf8'), values['site-id']);
const dataDir = resolve(values.data, `${values.room}-${seatNo}`);
mkdirSync(dataDir, { recursive: true });
if (!values['no-build'] && (await ensureRenderer()) === 'built')
  process.stderr.write(`candidate client: renderer built in ${DEFAULT_RENDERER_OUT}\n`);
const host = new CandidateHost({
  core: {
    serverUrl: values.server,
    trust,
    journalPath: join(dataDir, 'answers.db'),
    // Proposed on the join screen; the machine's key is made in its data folder.
    roomId: values.room,
    seatNo,
    clientVersion: '0.1.0-web',
  },
});
const web = await startWebHost({ host, rendererDir: DEFAULT_RENDERER_OUT, port });
process.stdout.write(`Candidate client (web mode) for room ${values.room} seat ${seatNo}: ${web.url}\n`);
const stop = () => {
  void web.close().then(() => {
    host.close();
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
