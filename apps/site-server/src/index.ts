export { createSiteServer, type SiteServer, type SiteServerOptions } from './app.js';
export { type Clock, ManualClock, ScaledClock, systemClock } from './clock.js';
export type { SiteIdentity } from './services/context.js';
