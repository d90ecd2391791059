import { verifyCertificate } from '@exam/crypto';
import pino from 'pino';
import type { ReceiverContext } from './context.js';
import type { ReceiverOptions } from './options.js';
import { openReceiverStore } from './store/openStore.js';
import { KeyedLock } from './uploads/keyedLock.js';
import { PackageFiles } from './uploads/packageFiles.js';

/** What both the HTTPS receiver and the media import need: the keys, the store and the files. */
export type ReceiverCore = Omit<ReceiverOptions, 'host' | 'port'>;

/**
 * Checks the keys and opens the store and the package folders: the one context the upload
 * routes and the media import (`openPackageImporter`) both accept packages with.
 */
export async function openReceiverContext(opts: ReceiverCore): Promise<ReceiverContext> {
  checkCredentials(opts);
  const files = new PackageFiles(opts.dataDir);
  await files.prepare();
  const store = await openReceiverStore({
    dataDir: opts.dataDir,
    ...(opts.databaseUrl === undefined ? {} : { databaseUrl: opts.databaseUrl }),
  });
  return {
    tls: opts.tls,
    centre: opts.centre,
    exams: opts.exams,
    store,
    files,
    lock: new KeyedLock(),
    log: opts.logger ?? pino({ level: 'silent' }),
    now: opts.now ?? (() => new Date()),
  };
}

/**
 * Refuses to start with a root that is not the centre's, or a TLS credential the sites would
 * refuse (not issued by that root, not the receiver's): its receipts would not verify either.
 */
function checkCredentials(opts: ReceiverCore): void {
  const at = opts.now?.() ?? new Date();
  const root = verifyCertificate(opts.centre.certPem, { trustedRootPem: opts.centre.certPem, at });
  if (root.subject.role !== 'centre') throw new Error('The centre root given is not a centre certificate.');
  const own = verifyCertificate(opts.tls.certPem, { trustedRootPem: opts.centre.certPem, at });
  if (own.subject.role !== 'receiver') {
    throw new Error(`The receiver's TLS certificate has role ${own.subject.role}, not receiver.`);
  }
}
