/**
 * Web-mode test support: a real host behind the web host, real Chromium. The site these
 * machines talk to comes from `@exam/testkit` (`startCandidateSite`).
 */

export { type A11yViolation, a11yViolations, describeViolations } from './a11y.js';
export { approveMachineKey } from './approval.js';
export { CHROMIUM, candidatePage, launchChromium, VIEWPORT } from './browser.js';
export { startTestMachine, type TestMachine } from './machine.js';
export { builtRenderer } from './renderer.js';
export {
  type StandaloneTestMachine,
  standaloneMachine,
  startStandaloneTestMachine,
  TEST_ID_NUMBER,
  type WrittenPackage,
  writeTestPackage,
  wrongCodeFor,
} from './standalone.js';
