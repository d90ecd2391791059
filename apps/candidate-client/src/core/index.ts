/**
 * The candidate client's core: runs in plain Node (tests, demo) and inside Electron's main
 * process. No Electron imports here.
 */
export { BACKOFF_DEFAULTS, Backoff, type BackoffOptions, backoffDelay } from './backoff.js';
export { CandidateCore, createCandidateCore } from './candidateCore.js';
export { type MonotonicSource, SittingClock, scaledMonotonic, systemMonotonic } from './clock.js';
export type {
  AdmissionStage,
  CandidateCoreOptions,
  CoreEvents,
  CorePhase,
  CoreSettings,
  CoreStatus,
  MachineAdmission,
  RetireReason,
} from './coreTypes.js';
export { asCoreError, CoreError, LOCAL_ERROR_CODES, type LocalErrorCode } from './errors.js';
export { JournalCorruptError, JournalFromTheFutureError } from './journal/openDb.js';
export type {
  CurrentAnswer,
  JournalChange,
  RetiredSession,
  SittingRef,
  StoredSession,
} from './journal/types.js';
export { AnswerJournal, type JournalOptions } from './journal.js';
export { type CoreLogger, silentLogger } from './logger.js';
export {
  loadOrCreateMachineKey,
  MACHINE_KEY_FILE,
  type MachineKey,
  MachineKeyError,
  machineKeyPathIn,
} from './machineKey.js';
export type { SessionSource, SessionSourceEvents } from './sessionSource.js';
export { SocketSessionSource, type SocketSessionSourceOptions } from './socketSessionSource.js';
