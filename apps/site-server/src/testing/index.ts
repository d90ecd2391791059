export * from './childServer.js';
export * from './childSiteWithExam.js';
export * from './networkLink.js';
export * from './payloads.js';
export * from './testSite.js';
