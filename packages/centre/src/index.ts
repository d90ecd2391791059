export * from './buildExam.js';
export * from './pki.js';
export * from './testExam.js';
export * from './verifyAnswers.js';
