import type { Credential } from '@exam/centre';
import type { Logger } from 'pino';
import type { ReceiverExam } from './options.js';
import type { ReceiverStore } from './store/receiverStore.js';
import type { KeyedLock } from './uploads/keyedLock.js';
import type { PackageFiles } from './uploads/packageFiles.js';

/** What every route of the receiver works with. */
export interface ReceiverContext {
  tls: Credential;
  centre: Credential;
  exams: readonly ReceiverExam[];
  store: ReceiverStore;
  files: PackageFiles;
  lock: KeyedLock;
  log: Logger;
  now(): Date;
}
