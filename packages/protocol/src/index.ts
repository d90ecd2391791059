export * from './candidate.js';
export * from './errors.js';
export * from './events.js';
export * from './packages.js';
export * from './paper.js';
export * from './parse.js';
export * from './proctor.js';
export * from './version.js';
