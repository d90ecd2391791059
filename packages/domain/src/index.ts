export * from './loginWindow.js';
export * from './machineCheck.js';
export * from './rules.js';
export * from './scoring.js';
export * from './sittingClock.js';
export * from './thresholds.js';
export * from './violations.js';
