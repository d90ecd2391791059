import { fileURLToPath } from 'node:url';

export { createSiteServer, type SiteServer, type SiteServerOptions } from './app.js';
export { type BackupChecklist, backupChecklist } from './backups/backupChecklist.js';
export type { BackupsStatus } from './backups/backupStatus.js';
export { type SiteBackupResult, SiteBackups, siteBackupsOf } from './backups/siteBackups.js';
export { type Clock, ManualClock, ScaledClock, systemClock } from './clock.js';
/** The site admin page (apps/site-admin), built from its folder and served at /admin/. */
export { ADMIN_PAGE_DIR, ensureAdminPage } from './http/adminPage.js';
export { IDENTITY_FILES, loadSiteTls } from './identity.js';
export type { SiteIdentity } from './site/context.js';
export {
  INSECURE_PLAIN_HTTP_FOR_BENCHMARK_ONLY,
  type SiteTls,
  type SiteTlsCredential,
  serveInsecurePlainHttpForBenchmarkOnly,
} from './site/tls.js';
export { type ImportSummary, importAuthorization, importExamData } from './sittings/examImport.js';
export type { UploadOptions } from './uploads/uploader.js';
export type { SittingUpload, UploadsStatus } from './uploads/uploadStatus.js';

/** The server's command-line entry, for tests that run it in a process of its own (kill -9). */
export const SITE_SERVER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
