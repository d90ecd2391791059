import { z } from 'zod';
import { safeText } from './safeText.js';

/**
 * The site admin's backup on demand (`POST /api/admin/backups/site`, issue 18): of one
 * sitting when named, else of the site as it stands.
 */
export const siteBackupRequestSchema = z.strictObject({ sittingId: safeText(64, 1).optional() });
export type SiteBackupRequest = z.infer<typeof siteBackupRequestSchema>;
