export * from './migrations.js';
export * from './openDurable.js';
export * from './statements.js';
