import { readFileSync } from 'node:fs';
import { loadReceiverIdentity, openPackageImporter, parseReceiverExamManifest } from '@exam/centre-server';
import { parseCommand, usageExit } from '@exam/cli';
import { importMediaFolders } from './import-media-folders.js';

/**
 * The city's upload of media exports into the centre's receiver (issue 18), without HTTP:
 * configured as `centre-server` is (the same data dir or database, the same identity dir and
 * exam manifests), it accepts each package exactly as an upload and writes the signed
 * receipt file beside it for the site. The centre key's PIN comes from EXAM_CENTRE_PIN.
 */
const IMPORT_MEDIA = {
  name: 'import-media',
  usage: `import-media --data-dir DIR --identity-dir DIR --exam FILE [--exam FILE…]
                   [--database-url postgres://…] FOLDER...
  --data-dir DIR       the receiver's data dir (packages/, and receiver.db without --database-url)
  --identity-dir DIR   centre.p12 (PIN in EXAM_CENTRE_PIN), approval.key, receiver-tls.p12 (signs receipts)
  --exam FILE          an exam's receiver manifest, as centre-server takes it
  --database-url URL   the receiver's PostgreSQL store
  FOLDER               a media export folder: packages, each with <name>.manifest.json beside it
Writes receipt-<sitting>-<hash12>.json beside each package accepted. The same folder again gives
the same receipt. Exits 1 if any package is refused (the others are still imported).`,
  options: {
    'data-dir': { type: 'string' },
    'identity-dir': { type: 'string' },
    exam: { type: 'string', multiple: true },
    'database-url': { type: 'string' },
  },
  allowPositionals: true,
} as const;
const { values, positionals } = parseCommand(IMPORT_MEDIA);
const dataDir = values['data-dir'];
const identityDir = values['identity-dir'];
if (!dataDir || !identityDir) usageExit(IMPORT_MEDIA, '--data-dir and --identity-dir are required');
const examFiles = values.exam ?? [];
if (examFiles.length === 0) usageExit(IMPORT_MEDIA, 'name at least one --exam manifest');
if (positionals.length === 0) usageExit(IMPORT_MEDIA, 'name at least one media export folder');

const identity = loadReceiverIdentity(identityDir, process.env.EXAM_CENTRE_PIN ?? '');
const importer = await openPackageImporter({
  tls: identity.tls,
  centre: identity.centre,
  exams: examFiles.map((file) => ({
    ...parseReceiverExamManifest(readFileSync(file, 'utf8')),
    ...(identity.approvalKeys ? { approvalKeys: identity.approvalKeys } : {}),
  })),
  dataDir,
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
});
let refused = 0;
try {
  for (const r of await importMediaFolders(importer, positionals)) {
    if (r.ok) {
      const { version, flagged } = r.receipt.receipt;
      const again = r.alreadyReceived ? '（此前已接收 already received）' : '';
      const flag = flagged ? `，第 ${version} 版，已标记待核查 (version ${version}, FLAGGED)` : '';
      console.log(`已接收 received ${r.sittingId}${flag}${again}\n  回执 receipt: ${r.receiptPath}`);
    } else {
      refused++;
      console.log(`拒收 REFUSED ${r.manifestPath}\n  ${r.code}: ${r.message}`);
    }
  }
} finally {
  await importer.close();
}
process.exitCode = refused > 0 ? 1 : 0;
