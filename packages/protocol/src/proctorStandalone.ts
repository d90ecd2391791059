import { z } from 'zod';
import { paperProofSchema } from './paperProof.js';
import { safeMultilineText, safeText } from './safeText.js';
import { standaloneIdCheckSchema, standalonePackageIdSchema } from './standalone.js';

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
      /** 'console': built at a console from its replica while the site was down, registered since. */
      builtBy: z.enum(['site', 'console']).default('site'),
      /**
       * Changes the site took online for this candidate after the package's last one (the old
       * machine delivered them before the registration): the standalone machine continues from
       * the package's sequence, so its answer file clashes and is refused until resolved.
       */
      onlineChangesAfterExport: z.number().int().nonnegative().default(0),
    }),
  ),
});
export type StandaloneList = z.infer<typeof standaloneListSchema>;

/**
 * What a console holds ahead of time to build a standalone package from its replica when the
 * site server is down (decision 0017, amendment): per sitting of its room the sealed paper and
 * its centre proof (harmless without the key), and the sitting key only once the sitting has
 * started (kept in the console's memory, never on its disk); per candidate an ID check (never
 * the ID number); the machines a package may be made for; whom answer files are for.
 */
export const standaloneOfflineKitSchema = z.object({
  siteId: z.string(),
  siteCertPem: z.string(),
  centreCertPem: z.string(),
  sittings: z.array(
    z.object({
      sittingId: z.string(),
      title: z.string(),
      subject: z.string().optional(),
      earliestHandInRemainingMs: z.number().int().nonnegative().nullable(),
      sealedPaper: z.string(),
      proof: paperProofSchema,
      /** base64; null until the room's sitting has started. */
      sittingKey: z.string().nullable(),
    }),
  ),
  candidates: z.array(
    z.object({
      ticketNo: z.string(),
      sittingId: z.string(),
      name: z.string(),
      /** A data URL, or null. */
      photo: z.string().nullable(),
      idCheck: standaloneIdCheckSchema,
    }),
  ),
  machines: standaloneMachinesSchema.shape.machines,
});
export type StandaloneOfflineKit = z.infer<typeof standaloneOfflineKitSchema>;

/**
 * A package a console built from its replica while the site was down, registered as soon as
 * the site is back, before anything else the console sends. The consent is the chief
 * examiner's signature over `standaloneConsentStatement` with `challenge` a fresh random
 * nonce the console made (there was no server to ask): the site refuses a nonce it has seen.
 */
export const standaloneRegisterSchema = z.strictObject({
  packageId: standalonePackageIdSchema,
  ticketNo: ticket,
  sittingId: safeText(64, 1),
  targetMachineFingerprint: fingerprint,
  reason,
  consent: standaloneConsentSchema,
  /** The export time on the console's estimate of the site's clock, ms. */
  exportedAt: z.number().int().nonnegative(),
  remainingMs: z.number().int().nonnegative(),
  /** The replica's highest answer sequence for the candidate, packed into the package. */
  highestSeq: z.number().int().nonnegative(),
});
export type StandaloneRegisterRequest = z.infer<typeof standaloneRegisterSchema>;

export const standaloneRegisterResultSchema = z.object({
  packageId: z.string(),
  state: standalonePackageStateSchema,
  /** The same record was registered before (a re-send): nothing changed. */
  alreadyRegistered: z.boolean(),
  onlineChangesAfterExport: z.number().int().nonnegative(),
});
export type StandaloneRegisterResult = z.infer<typeof standaloneRegisterResultSchema>;
