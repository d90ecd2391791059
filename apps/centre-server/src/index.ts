import { fileURLToPath } from 'node:url';

export type {
  ExamReceiptStatus,
  Receipt,
  ReceivedVersion,
  SignedReceipt,
  SittingReceipt,
  UploadErrorCode,
} from '@exam/protocol';
export {
  parseReceiverExamManifest,
  type ReceiverExamManifest,
  receiverExamManifestSchema,
  receiverExamOf,
} from './examManifest.js';
export { loadReceiverIdentity, RECEIVER_IDENTITY_FILES, type ReceiverIdentity } from './identity.js';
export { openPackageImporter, type PackageImporter } from './importer.js';
export type { ReceiverExam, ReceiverOptions, RunningReceiver } from './options.js';
export { startReceiver } from './receiver.js';
export type { PackageRecord } from './store/receiverStore.js';
export { UploadRefusal } from './uploads/replies.js';

/** The receiver's command-line entry, for tests that run it in a process of its own. */
export const CENTRE_SERVER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
