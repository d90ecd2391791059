import { z } from 'zod';
import type { CandidateStatus } from './packages.js';
import { approvalCodeSchema } from './proctorActions.js';

/** Proctor namespace: a console acts on its own room only. */
const id = z.string().min(1).max(64);

export const sittingCommandSchema = z.strictObject({ sittingId: id });
export const startSchema = z.strictObject({
  sittingId: id,
  /** Required for a delayed start; recorded in the audit trail. */
  reason: z.string().max(500).optional(),
  /** An approval code, for a start more than 30 minutes late. */
  code: approvalCodeSchema.optional(),
});

export interface CandidateTile {
  ticketNo: string;
  /** The console shows the last 3 digits of the ticket number (annex 4). */
  ticketTail: string;
  name: string;
  seatNo: number | null;
  sittingId: string;
  status: CandidateStatus | 'logged-in';
  online: boolean;
  answered: number;
  total: number;
  ackSeq: number;
  lastSyncAt: number | null;
  endsAt: number | null;
  handedInAt: number | null;
  extensionMs: number;
  /** Measured downtime (last sync before a failure to the next login or reconnect). */
  suggestedExtensionMs: number;
  /** Reset by the proctor and not yet logged in on another machine. */
  resetPending: boolean;
  violations: number;
}

export interface MachineTile {
  machineId: string;
  seatNo: number;
  online: boolean;
  clientVersion: string;
  /** Null until the machine has reported its check. */
  check: {
    screenWidth: number;
    screenHeight: number;
    freeMemoryBytes: number;
    freeDiskBytes: number;
    displays: number;
    ipAddress: string;
    shortfalls: string[];
  } | null;
  /**
   * Candidates a proctor's reset released from this machine, by sitting: for that sitting
   * the machine is locked (its screen says so), not a free spare.
   */
  released: { sittingId: string; ticketNo: string; ticketTail: string }[];
}

export interface RoomAlert {
  id: number;
  at: number;
  machineId: string;
  seatNo: number;
  ticketNo: string | null;
  kind: string;
  detail: string | null;
}

export interface RoomSittingView {
  sittingId: string;
  subjectName: string;
  scheduledStart: number;
  loginOpenedAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
}

export interface RoomSnapshot {
  roomId: string;
  roomName: string;
  seats: number;
  serverNow: number;
  sittings: RoomSittingView[];
  candidates: CandidateTile[];
  machines: MachineTile[];
  /** The most recent alerts, newest last. */
  alerts: RoomAlert[];
}

export interface StartResult {
  startedAt: number;
  authority: 'on-time' | 'city-consent' | 'province-code' | 'centre-code';
}

export interface EndResult {
  endedAt: number;
  handedIn: number;
  absent: number;
  /** Set when this room was the last to end and the sitting's package was written. */
  answerPackage: string | null;
}

/** Committed answer changes, pushed to the room's consoles for their replica. */
export interface ReplicaChange {
  ticketNo: string;
  sittingId: string;
  seq: number;
  itemId: string;
  value: unknown;
  flagged: boolean;
  receivedAt: number;
}

export const replicaPullSchema = z.strictObject({
  sittingId: z.string().min(1).max(64),
  /** Per candidate, the highest sequence the console already holds. */
  have: z.record(z.string().regex(/^\d{8,20}$/), z.number().int().nonnegative()),
});
