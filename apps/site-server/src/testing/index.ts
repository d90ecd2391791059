export * from './childServer.js';
export * from './testSite.js';
