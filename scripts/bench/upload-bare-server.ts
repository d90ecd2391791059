import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:https';
import { join } from 'node:path';

/**
 * The baseline of `bench:upload`: the least an HTTPS upload can cost. A node https server
 * with the receiver's TLS credential and the same mutual TLS (the centre root as the only CA,
 * a client certificate required) that writes each request body to a file and fsyncs it,
 * nothing else. Run as `tsx upload-bare-server.ts CERT_DIR OUT_DIR`; prints its port.
 */
const [certDir, outDir] = process.argv.slice(2);
if (!certDir || !outDir) {
  process.stderr.write('usage: upload-bare-server.ts CERT_DIR OUT_DIR\n');
  process.exit(2);
}
const pem = (name: string) => readFileSync(join(certDir, name), 'utf8');
let n = 0;
const server = createServer(
  {
    key: pem('key.pem'),
    cert: pem('cert.pem'),
    ca: [pem('ca.pem')],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  },
  async (req, res) => {
    const file = await open(join(outDir, `body-${++n}.bin`), 'w');
    let bytes = 0;
    for await (const d of req) {
      await file.write(d as Buffer);
      bytes += (d as Buffer).length;
    }
    // Durable before the reply, as the receiver's chunks are.
    await file.sync();
    await file.close();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, bytes }));
  },
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
