/**
 * What the tests of every app share: a real site server in-process or in a child process,
 * raw protocol sockets, one simulated test machine, a link that can be cut, and sample
 * papers. Used only by tests (and the benches and screenshots); the one
 * package allowed to import an app's public entry (`@exam/site-server`, docs/decisions/0011).
 */

/** The admin page's build (apps/site-admin), for tests that open it in a browser. */
export { ADMIN_PAGE_DIR, ensureAdminPage } from '@exam/site-server';
export { closeMachineApprovers, type ProctorOpener, registerMachineApprover } from './approvers.js';
export { type CandidateSite, JUNIOR_SITTING, SENIOR_SITTING, startCandidateSite } from './candidateSite.js';
export * from './childServer.js';
export * from './childSiteWithExam.js';
export { type EmptyTestSite, startEmptyTestSite } from './emptySite.js';
export * from './machines.js';
export * from './networkLink.js';
export * from './payloads.js';
export { silhouettePhotoPng } from './photo.js';
export * from './proctorSignIn.js';
export { type RogueCertificate, type RogueSite, startRogueSite } from './rogueSite.js';
export { juniorSamplePaper, seniorSamplePaper } from './samplePapers.js';
export { SimulatedCandidate } from './simulatedCandidate.js';
export { siteFetch } from './siteFetch.js';
export * from './testSite.js';
