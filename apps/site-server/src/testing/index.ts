export * from './childServer.js';
export * from './networkLink.js';
export * from './testSite.js';
