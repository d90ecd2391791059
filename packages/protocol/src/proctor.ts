import { z } from 'zod';
import { answerChangeRecordSchema } from './answerChange.js';
import { joinRequestSchema } from './machine.js';
import { candidateStatusSchema } from './packages.js';
import { approvalCodeSchema } from './proctorActions.js';
import { safeText } from './safeText.js';

/** Proctor namespace: a console acts on its own room only. */
const id = safeText(64, 1);

export const sittingCommandSchema = z.strictObject({ sittingId: id });
export const startSchema = z.strictObject({
  sittingId: id,
  /** Required for a delayed start; recorded in the audit trail. */
  reason: safeText(500).optional(),
  /** An approval code, for a start more than 30 minutes late. */
  code: approvalCodeSchema.optional(),
});

/* Replies and pushes of this namespace, as schemas the console parses (see candidate.ts). */
const time = z.number();
const count = z.number().int().nonnegative();

export const candidateTileSchema = z.object({
  ticketNo: z.string(),
  /** The console shows the last 3 digits of the ticket number (annex 4). */
  ticketTail: z.string(),
  name: z.string(),
  seatNo: z.number().int().nullable(),
  sittingId: z.string(),
  status: z.union([candidateStatusSchema, z.literal('logged-in')]),
  online: z.boolean(),
  answered: count,
  total: count,
  ackSeq: count,
  lastSyncAt: time.nullable(),
  endsAt: time.nullable(),
  handedInAt: time.nullable(),
  extensionMs: z.number(),
  /** Measured downtime (last sync before a failure to the next login or reconnect). */
  suggestedExtensionMs: z.number(),
  /** Reset by the proctor and not yet logged in on another machine. */
  resetPending: z.boolean(),
  violations: count,
});
export type CandidateTile = z.infer<typeof candidateTileSchema>;

export const machineTileSchema = z.object({
  machineId: z.string(),
  seatNo: z.number().int(),
  online: z.boolean(),
  clientVersion: z.string(),
  /** Null until the machine has reported its check. */
  check: z
    .object({
      screenWidth: z.number(),
      screenHeight: z.number(),
      freeMemoryBytes: z.number(),
      freeDiskBytes: z.number(),
      displays: z.number(),
      ipAddress: z.string(),
      shortfalls: z.array(z.string()),
    })
    .nullable(),
  /**
   * Candidates a proctor's reset released from this machine, by sitting: for that sitting
   * the machine is locked (its screen says so), not a free spare.
   */
  released: z.array(z.object({ sittingId: z.string(), ticketNo: z.string(), ticketTail: z.string() })),
});
export type MachineTile = z.infer<typeof machineTileSchema>;

export const roomAlertSchema = z.object({
  id: z.number().int(),
  at: time,
  machineId: z.string(),
  seatNo: z.number().int(),
  ticketNo: z.string().nullable(),
  kind: z.string(),
  detail: z.string().nullable(),
});
export type RoomAlert = z.infer<typeof roomAlertSchema>;

export const roomSittingViewSchema = z.object({
  sittingId: z.string(),
  subjectName: z.string(),
  scheduledStart: time,
  loginOpenedAt: time.nullable(),
  startedAt: time.nullable(),
  endedAt: time.nullable(),
});
export type RoomSittingView = z.infer<typeof roomSittingViewSchema>;

export const roomSnapshotSchema = z.object({
  roomId: z.string(),
  roomName: z.string(),
  seats: z.number().int(),
  serverNow: time,
  sittings: z.array(roomSittingViewSchema),
  candidates: z.array(candidateTileSchema),
  machines: z.array(machineTileSchema),
  /** The most recent alerts, newest last. */
  alerts: z.array(roomAlertSchema),
  /** Machines waiting for this room's proctor to approve them for a seat, oldest first. */
  joinRequests: z.array(joinRequestSchema).default([]),
});
export type RoomSnapshot = z.infer<typeof roomSnapshotSchema>;

export const startResultSchema = z.object({
  startedAt: time,
  authority: z.enum(['on-time', 'city-consent', 'province-code', 'centre-code']),
});
export type StartResult = z.infer<typeof startResultSchema>;

export const endResultSchema = z.object({
  endedAt: time,
  handedIn: count,
  absent: count,
  /** Set when this room was the last to end and the sitting's package was written. */
  answerPackage: z.string().nullable(),
});
export type EndResult = z.infer<typeof endResultSchema>;

/** Committed answer changes, pushed to the room's consoles for their replica: the record and whose. */
export const replicaChangeSchema = answerChangeRecordSchema.extend({
  ticketNo: z.string(),
  sittingId: z.string(),
});
export type ReplicaChange = z.infer<typeof replicaChangeSchema>;

/**
 * Replica changes in a push or a pull reply. A malformed entry becomes null rather than
 * failing the message: the replica skips and reports it, and keeps the rest.
 */
export const replicaChangesSchema = z.object({
  changes: z.array(replicaChangeSchema.nullable().catch(null)),
});
export const roomTilesSchema = z.object({ serverNow: time, tiles: z.array(candidateTileSchema) });
export const roomMachinesSchema = z.object({ machines: z.array(machineTileSchema) });

export const replicaPullSchema = z.strictObject({
  sittingId: id,
  /** Per candidate, the highest sequence the console already holds. */
  have: z.record(z.string().regex(/^\d{8,20}$/), z.number().int().nonnegative()),
});
