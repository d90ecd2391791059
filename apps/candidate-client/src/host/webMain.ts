import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRenderer, DEFAULT_RENDERER_OUT } from '../build/buildRenderer.js';
import { CandidateHost } from './candidateHost.js';
import { startWebHost } from './webHost.js';

/**
 * Web mode by hand: the candidate client in a browser on this machine, against a running
 * site server. `pnpm candidate:web -- --server http://127.0.0.1:8443 --room R01 --seat 1`
 * then open the printed address. Loopback only; a kiosk uses Electron.
 */
const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:8443' },
    room: { type: 'string', default: 'R01' },
    seat: { type: 'string', default: '1' },
    data: { type: 'string', default: '.data/candidate' },
    port: { type: 'string', default: '5180' },
    'no-build': { type: 'boolean', default: false },
  },
});
const seatNo = Number(values.seat);
const dataDir = resolve(values.data, `${values.room}-${seatNo}`);
mkdirSync(dataDir, { recursive: true });
if (!values['no-build']) await buildRenderer(DEFAULT_RENDERER_OUT);
const host = new CandidateHost({
  core: {
    serverUrl: values.server,
    journalPath: join(dataDir, 'answers.db'),
    roomId: values.room,
    seatNo,
    machineId: `web-${values.room}-${seatNo}`,
    clientVersion: '0.1.0-web',
  },
});
const web = await startWebHost({ host, rendererDir: DEFAULT_RENDERER_OUT, port: Number(values.port) });
process.stdout.write(`Candidate client (web mode) for room ${values.room} seat ${seatNo}: ${web.url}\n`);
const stop = () => {
  void web.close().then(() => {
    host.close();
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
