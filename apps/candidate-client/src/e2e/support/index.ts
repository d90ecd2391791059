/** Web-mode test support: a real site, a real host behind the web host, real Chromium. */

export { type A11yViolation, a11yViolations, describeViolations } from './a11y.js';
export { CHROMIUM, candidatePage, launchChromium, VIEWPORT } from './browser.js';
export { type CandidateSite, JUNIOR_SITTING, SENIOR_SITTING, startCandidateSite } from './candidateSite.js';
export { startTestMachine, type TestMachine } from './machine.js';
export { builtRenderer } from './renderer.js';
export { juniorSamplePaper, seniorSamplePaper } from './samplePapers.js';
