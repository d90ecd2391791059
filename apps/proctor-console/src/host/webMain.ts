import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ProctorHost } from './proctorHost.js';
import { openProctorKey } from './proctorKey.js';
import { startWebHost } from './webHost.js';

/**
 * Web mode from the command line: the host signs in with the key file (PIN from
 * EXAM_PROCTOR_PIN), serves the built renderer on loopback and prints its address as JSON.
 *
 *   tsx src/host/webMain.ts --server http://127.0.0.1:8443 --key-file keys/proctor-R01.p12
 *     [--data-dir proctor-data] [--port 0]
 */
const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    'key-file': { type: 'string' },
    room: { type: 'string' },
    port: { type: 'string', default: '0' },
    'renderer-dir': { type: 'string' },
    'data-dir': { type: 'string', default: 'proctor-data' },
  },
});
if (!values.server || !values['key-file']) {
  process.stderr.write('usage: webMain.ts --server URL --key-file FILE.p12 [--room R] [--port N]\n');
  process.exit(2);
}
const host = new ProctorHost({ serverUrl: values.server, dataDir: values['data-dir'] });
try {
  const key = openProctorKey(readFileSync(values['key-file']), process.env.EXAM_PROCTOR_PIN ?? '');
  await host.connect(key, values.server, values.room);
} catch (e) {
  process.stderr.write(`proctor console: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
const rendererDir = values['renderer-dir'] ?? fileURLToPath(new URL('../../dist/renderer', import.meta.url));
const web = await startWebHost({ host, rendererDir, port: Number(values.port) });
process.stdout.write(`${JSON.stringify({ url: web.url, pid: process.pid })}\n`);
const stop = () =>
  void web.close().then(() => {
    host.close();
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
