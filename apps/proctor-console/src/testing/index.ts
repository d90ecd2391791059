export * from './browser.js';
export * from './consoleHarness.js';
export * from './renderer.js';
