export { stmt } from '@exam/sqlite';
