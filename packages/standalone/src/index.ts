// Standalone mode (issue 17): the package a proctor exports for one candidate and one test
// machine, and the answer file that machine writes back. Formats only: no I/O, no clock but `now`.

export type { MachineKeyPair } from '@exam/crypto';
export type {
  StandaloneAnswerChange,
  StandaloneAnswerFile,
  StandaloneCandidate,
  StandaloneHandIn,
  StandalonePackageContent,
} from '@exam/protocol';
export {
  openStandaloneAnswerFile,
  standaloneAnswerFileName,
  writeStandaloneAnswerFile,
} from './answerFile.js';
export {
  hashIdNumber,
  idCheckHash,
  idNumberMatches,
  newStandaloneCode,
  normaliseStandaloneCode,
} from './codes.js';
export { standalonePackageDates } from './dates.js';
export { STANDALONE_ERROR_CODES, StandaloneError, type StandaloneErrorCode } from './errors.js';
export {
  inspectStandalonePackage,
  openStandalonePackage,
  type StandalonePackageHeader,
  type StandalonePackageSigner,
  standalonePackageFileName,
  writeStandalonePackage,
} from './package.js';
