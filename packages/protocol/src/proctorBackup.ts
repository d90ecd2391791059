import { z } from 'zod';

/**
 * The console's backup after the day's last sitting (issue 18): it asks the site whom to seal
 * it for (the province named in the exam data, and the centre root), then deposits the sealed
 * file with the site over its signed-in connection. The site checks the signature (a proctor
 * or chief key registered for the room), the room and the recipients before keeping it.
 */
export const backupRecipientsSchema = z.object({
  provinceId: z.string(),
  provinceCertPem: z.string(),
  centreCertPem: z.string(),
});
export type BackupRecipientsReply = z.infer<typeof backupRecipientsSchema>;

/** The sealed file, base64, in one message (within the socket's 8 MB limit, as standalone:collect). */
export const backupDepositSchema = z.strictObject({ fileBase64: z.base64().min(4).max(8_000_000) });
export type BackupDepositRequest = z.infer<typeof backupDepositSchema>;

export const backupDepositResultSchema = z.object({
  backupId: z.number().int(),
  /** SHA-256 of the bytes the site stored, read back from its disk: the console compares it. */
  sha256: z.string(),
  size: z.number().int(),
  fileName: z.string(),
  verifiedAt: z.number(),
});
export type BackupDepositResult = z.infer<typeof backupDepositResultSchema>;
