import { z } from 'zod';
import { machineFingerprintSchema } from './machineProof.js';
import { safeText } from './safeText.js';

/*
 * Machines that prove who they are (issue 16): a test machine's identity is its Ed25519 key.
 * Each connection starts with hello (its public key) → a challenge, then prove (a signature
 * over machineProofText(siteId, challenge)). Until a proctor approves the machine for a seat,
 * join is the only other thing it may do.
 */
const id = safeText(64, 1);
const base64 = (maxChars: number) =>
  z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/);
const seatNo = z.number().int().positive().max(500);
const time = z.number();

/** An Ed25519 SPKI DER key is 44 bytes; 100 bytes decoded (136 base64 characters) is the cap. */
export const MACHINE_PUBLIC_KEY_MAX_BYTES = 100;

export const machineHelloSchema = z.strictObject({
  /** base64 of the SPKI DER public key. */
  publicKey: base64(Math.ceil(MACHINE_PUBLIC_KEY_MAX_BYTES / 3) * 4),
  clientVersion: safeText(32),
});
export type MachineHello = z.infer<typeof machineHelloSchema>;

export const machineChallengeSchema = z.object({
  /** base64 of 32 fresh random bytes; single use, valid on this socket only. */
  challenge: z.string(),
  siteId: z.string(),
});
export type MachineChallenge = z.infer<typeof machineChallengeSchema>;

export const machineProveSchema = z.strictObject({
  /** base64 Ed25519 signature (64 bytes) over machineProofText(siteId, challenge). */
  signature: base64(88),
});
export type MachineProve = z.infer<typeof machineProveSchema>;

export const machineJoinSchema = z.strictObject({ roomId: id, seatNo });
export type MachineJoin = z.infer<typeof machineJoinSchema>;

/**
 * What an approved machine is told (with the binding's room and seat, never the client's):
 * the site, its room, the time, which sittings of the room take logins.
 */
export const machineApprovedSchema = z.object({
  roomId: z.string(),
  seatNo: z.number().int(),
  siteName: z.string(),
  roomName: z.string(),
  serverNow: time,
  /**
   * This room's sittings whose login is open and that have not ended (running ones too).
   * A machine locked by a reset unlocks when a later sitting's login opens here.
   */
  loginOpen: z.array(z.string()),
});
export type MachineApproved = z.infer<typeof machineApprovedSchema>;

export const machineApprovedStatusSchema = machineApprovedSchema.extend({
  status: z.literal('approved'),
  fingerprint: z.string(),
});
export const machinePendingStatusSchema = z.object({
  status: z.literal('pending'),
  roomId: z.string(),
  seatNo: z.number().int(),
  fingerprint: z.string(),
});
export const machineUnknownStatusSchema = z.object({
  status: z.literal('unknown'),
  fingerprint: z.string(),
});
/** The reply to a good proof: where this machine stands. */
export const machineStatusSchema = z.discriminatedUnion('status', [
  machineApprovedStatusSchema,
  machinePendingStatusSchema,
  machineUnknownStatusSchema,
]);
export type MachineStatus = z.infer<typeof machineStatusSchema>;
export type MachinePendingStatus = z.infer<typeof machinePendingStatusSchema>;

/** Pushed to the machine when its request is refused (or its binding retired): back to join. */
export const machineRefusedSchema = z.object({});

/* Proctor namespace. */

/** A machine waiting for this room's proctor to approve it for a seat. */
export const joinRequestSchema = z.object({
  fingerprint: z.string(),
  seatNo: z.number().int(),
  remoteAddress: z.string(),
  clientVersion: z.string(),
  requestedAt: time,
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;
export const roomJoinRequestsSchema = z.object({ requests: z.array(joinRequestSchema) });

/** Approve a waiting machine for a seat of the proctor's room (the seat may differ from the asked one). */
export const machineApproveSchema = z.strictObject({
  fingerprint: machineFingerprintSchema,
  seatNo,
});
export const machineApproveResultSchema = z.object({
  approvedAt: time,
  /** The seat's earlier machine, retired by this approval (a spare replacing it), if any. */
  retiredFingerprint: z.string().nullable(),
});
export const machineRefuseSchema = z.strictObject({ fingerprint: machineFingerprintSchema });
export const machineRefuseResultSchema = z.object({ refusedAt: time });
