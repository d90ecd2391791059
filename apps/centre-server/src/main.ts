import { readFileSync } from 'node:fs';
import { parseCommand, usageExit } from '@exam/cli';
import pino from 'pino';
import { parseReceiverExamManifest } from './examManifest.js';
import { loadReceiverIdentity } from './identity.js';
import { startReceiver } from './receiver.js';

/**
 * The centre's receiver: `centre-server --data-dir DIR --identity-dir DIR --exam FILE…`.
 * The centre key's PIN comes from EXAM_CENTRE_PIN so it never appears in a process listing.
 */
const CENTRE_SERVER = {
  name: 'centre-server',
  usage: `centre-server --data-dir DIR --identity-dir DIR --exam FILE [--exam FILE…]
                     [--database-url postgres://…] [--host H] [--port P]
  --data-dir DIR       received packages (packages/), uploads in progress (partial/) and, without
                       --database-url, the SQLite database receiver.db (created if missing)
  --identity-dir DIR   centre.p12 (PIN in EXAM_CENTRE_PIN) and approval.key, as make-exam writes
                       the centre/ folder; receiver-tls.p12 (the receiver's TLS credential, issued
                       from centre.p12 on the first start if missing)
  --exam FILE          an exam's receiver manifest: {"examId", "sites": [{"siteId", "sittingIds"}]}
  --database-url URL   keep uploads, packages and receipts in PostgreSQL instead of SQLite
  --host H --port P    where to listen (default 127.0.0.1, and 0: a free port, printed)`,
  options: {
    'data-dir': { type: 'string' },
    'identity-dir': { type: 'string' },
    exam: { type: 'string', multiple: true },
    'database-url': { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
  },
} as const;
const { values } = parseCommand(CENTRE_SERVER);

const dataDir = values['data-dir'];
const identityDir = values['identity-dir'];
if (!dataDir || !identityDir) usageExit(CENTRE_SERVER, '--data-dir and --identity-dir are required');
const examFiles = values.exam ?? [];
if (examFiles.length === 0) usageExit(CENTRE_SERVER, 'name at least one --exam manifest');
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) usageExit(CENTRE_SERVER, '--port is 0..65535');

const log = pino(
  { level: process.env.LOG_LEVEL ?? 'info' },
  process.stdout.isTTY ? pino.transport({ target: 'pino-pretty' }) : pino.destination(1),
);
const identity = loadReceiverIdentity(identityDir, process.env.EXAM_CENTRE_PIN ?? '');
if (identity.issuedTls) log.info({ identityDir }, 'receiver TLS credential issued from the centre key');
const exams = examFiles.map((file) => ({
  ...parseReceiverExamManifest(readFileSync(file, 'utf8')),
  ...(identity.approvalKeys ? { approvalKeys: identity.approvalKeys } : {}),
}));

const receiver = await startReceiver({
  tls: identity.tls,
  centre: identity.centre,
  exams,
  dataDir,
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  host: values.host,
  port,
  logger: log,
});
// The first line on stdout is machine-readable, for the scripts that start a receiver.
log.info({ url: receiver.url, dataDir, store: receiver.store }, 'receiver listening');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    receiver.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
