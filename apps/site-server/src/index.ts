import { fileURLToPath } from 'node:url';

export { createSiteServer, type SiteServer, type SiteServerOptions } from './app.js';
export { type Clock, ManualClock, ScaledClock, systemClock } from './clock.js';
export { IDENTITY_FILES } from './identity.js';
export type { SiteIdentity } from './site/context.js';
export { type ImportSummary, importAuthorization, importExamData } from './sittings/examImport.js';

/** The server's command-line entry, for tests that run it in a process of its own (kill -9). */
export const SITE_SERVER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
