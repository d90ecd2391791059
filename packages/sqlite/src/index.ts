export * from './migrations.js';
