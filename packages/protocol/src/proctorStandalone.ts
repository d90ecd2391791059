import { z } from 'zod';
import { safeMultilineText, safeText } from './safeText.js';
import { standalonePackageIdSchema } from './standalone.js';

/**
 * The proctor console's standalone-mode messages (issue 17): the chief examiner's consent
 * challenge, the machines a package may be made for, export, cancel, collection of an answer
 * file, and the room's list of packages. Every one needs a signed-in proctor of the
 * candidate's room; export and cancel also need the chief examiner's signed consent.
 */
const ticket = z.string().regex(/^\d{8,20}$/);
const fingerprint = z.string().regex(/^[0-9a-f]{64}$/);
/** 32 random bytes, base64url: the same shape as the sign-in challenge. */
const challenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'A consent challenge is 43 base64url characters.');
const reason = safeText(500, 1);

export const standaloneChallengeSchema = z.object({ challenge, expiresAt: z.string() });
export type StandaloneChallenge = z.infer<typeof standaloneChallengeSchema>;

/**
 * The chief examiner's consent: their certificate and their signature (base64, the same
 * `sign` the console uses for sign-in) over `standaloneConsentStatement(...)` naming a fresh
 * challenge from `standalone:challenge`.
 */
export const standaloneConsentSchema = z.strictObject({
  certPem: safeMultilineText(10_000, 100),
  signature: z.base64().max(1024),
  challenge,
});
export type StandaloneConsent = z.infer<typeof standaloneConsentSchema>;

export const standaloneMachinesSchema = z.object({
  machines: z.array(
    z.object({
      fingerprint: z.string(),
      machineId: z.string(),
      roomId: z.string(),
      seatNo: z.string().nullable(),
      /** Bound to a candidate's live session now: a spare machine is the one to pick. */
      busy: z.boolean(),
    }),
  ),
});
export type StandaloneMachines = z.infer<typeof standaloneMachinesSchema>;

export const standaloneExportSchema = z.strictObject({
  ticketNo: ticket,
  targetMachineFingerprint: fingerprint,
  reason,
  consent: standaloneConsentSchema,
});
export type StandaloneExportRequest = z.infer<typeof standaloneExportSchema>;

export const standaloneExportResultSchema = z.object({
  packageId: z.string(),
  /** The authorization code, shown once: the site keeps no copy. */
  code: z.string(),
  fileName: z.string(),
  fileBase64: z.string(),
});
export type StandaloneExportResult = z.infer<typeof standaloneExportResultSchema>;

export const standaloneCancelSchema = z.strictObject({
  packageId: standalonePackageIdSchema,
  reason,
  consent: standaloneConsentSchema,
});
export type StandaloneCancelRequest = z.infer<typeof standaloneCancelSchema>;

export const standaloneCancelResultSchema = z.object({
  packageId: z.string(),
  state: z.literal('cancelled'),
});

/** An answer file as read from the stick, base64 (within the socket's 8 MB message limit). */
export const standaloneCollectSchema = z.strictObject({ fileBase64: z.base64().min(4).max(8_000_000) });

export const standaloneCollectResultSchema = z.object({
  packageId: z.string(),
  ticketNo: z.string(),
  /** Changes stored by this file. */
  merged: z.number().int().nonnegative(),
  /** Changes the site already held (an earlier file, or this one again). */
  alreadyHeld: z.number().int().nonnegative(),
  /** Changes made after the candidate's time was up: not stored. */
  refusedAfterEnd: z.number().int().nonnegative(),
  handedIn: z.boolean(),
  state: z.enum(['exported', 'collected']),
});
export type StandaloneCollectResult = z.infer<typeof standaloneCollectResultSchema>;

export const standalonePackageStateSchema = z.enum(['exported', 'collected', 'cancelled']);
export type StandalonePackageState = z.infer<typeof standalonePackageStateSchema>;

export const standaloneListSchema = z.object({
  packages: z.array(
    z.object({
      packageId: z.string(),
      ticketNo: z.string(),
      /** A room can hold two sittings of one candidate: the cancel consent names this one. */
      sittingId: z.string(),
      name: z.string(),
      targetMachineFingerprint: z.string(),
      state: standalonePackageStateSchema,
      /** ISO times, as SA-spec.md fixes them. */
      exportedAt: z.string(),
      consentBy: z.string(),
      reason: z.string(),
      collectedAt: z.string().nullable(),
      collectedChanges: z.number().int().nonnegative(),
      lastFileSeq: z.number().int().nonnegative(),
    }),
  ),
});
export type StandaloneList = z.infer<typeof standaloneListSchema>;
