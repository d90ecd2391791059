import { readFileSync } from 'node:fs';
import { parseCommand, usageExit } from '@exam/cli';
import { ProctorHost } from './proctorHost.js';
import { openProctorKey } from './proctorKey.js';
import { ensureRenderer, RENDERER_DIR } from './rendererBuild.js';
import { startWebHost } from './webHost.js';

/**
 * Web mode from the command line: the host signs in with the key file (PIN from
 * EXAM_PROCTOR_PIN), serves the built renderer on loopback and prints its address as JSON.
 * The renderer is built first when it is missing or its sources changed.
 *
 *   proctor-web --server https://127.0.0.1:8443 --key-file keys/proctor-R01.p12
 *     [--data-dir proctor-data] [--port 0]
 */
const PROCTOR_WEB = {
  name: 'proctor-web',
  usage: `proctor-web --server URL --key-file FILE.p12 [--room R] [--port N] [--data-dir DIR]
  --server URL        the site server
  --key-file FILE     the room's proctor key (or the chief examiner's), PIN in EXAM_PROCTOR_PIN
  --room R            with the chief examiner's key, the room to run (a proctor key runs its own)
  --port N            where the console listens on loopback (default 0: a free port)
  --data-dir DIR      the room replica, reports and backups (default proctor-data)
  --renderer-dir DIR  serve this built renderer instead of building one
Prints {"url": …} with the address to open in a browser.`,
  options: {
    server: { type: 'string' },
    'key-file': { type: 'string' },
    room: { type: 'string' },
    port: { type: 'string', default: '0' },
    'renderer-dir': { type: 'string' },
    'data-dir': { type: 'string', default: 'proctor-data' },
  },
} as const;
const { values } = parseCommand(PROCTOR_WEB);
if (!values.server || !values['key-file']) usageExit(PROCTOR_WEB, '--server and --key-file are required');
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) usageExit(PROCTOR_WEB, '--port is 0..65535');
const host = new ProctorHost({ serverUrl: values.server, dataDir: values['data-dir'] });
try {
  const key = openProctorKey(readFileSync(values['key-file']), process.env.EXAM_PROCTOR_PIN ?? '');
  await host.connect(key, values.server, values.room);
} catch (e) {
  process.stderr.write(`proctor console: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
const rendererDir = values['renderer-dir'] ?? RENDERER_DIR;
if (!values['renderer-dir'] && (await ensureRenderer()) === 'built')
  process.stderr.write(`proctor console: renderer built in ${RENDERER_DIR}\n`);
const web = await startWebHost({ host, rendererDir, port });
process.stdout.write(`${JSON.stringify({ url: web.url, pid: process.pid })}\n`);
const stop = () =>
  void web.close().then(() => {
    host.close();
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
