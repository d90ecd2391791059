export * from './buildExam.js';
export * from './pki.js';
export * from './receipt.js';
export * from './reconcile.js';
export * from './sealPaper.js';
export * from './standaloneChecks.js';
export * from './testExam.js';
export * from './verifyAnswers.js';
