// Test helpers for the receiver's tests and the system tests under scripts/ that run one.
export {
  answerPackageBytes,
  issueUnderCentre,
  selfMadeSiteCredential,
  type TestPackage,
} from './answerPackages.js';
export {
  type ChildReceiver,
  killHard,
  spawnReceiver,
  TEST_CENTRE_PIN,
  writeCentreDir,
} from './childReceiver.js';
export { type PostgresCluster, postgresBinDir, startPostgresCluster } from './postgresCluster.js';
export { type ClientIdentity, call, cutMidChunk, type Reply } from './receiverClient.js';
