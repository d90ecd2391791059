import { z } from 'zod';
import { answerValueSchema } from './paper.js';
import type { Notice } from './proctorActions.js';

/** Candidate namespace: events a test machine sends and what comes back. */
const id = z.string().min(1).max(64);

export const machineRegisterSchema = z.strictObject({
  roomId: id,
  seatNo: z.number().int().positive().max(500),
  machineId: z.string().min(8).max(64),
  clientVersion: z.string().max(32),
});
export type MachineRegister = z.infer<typeof machineRegisterSchema>;

export const loginSchema = z.strictObject({
  ticketNo: z.string().min(1).max(20),
  idNumber: z.string().min(1).max(18),
});
export type LoginRequest = z.infer<typeof loginSchema>;

export const resumeSchema = z.strictObject({ sessionToken: z.string().min(16).max(128) });

/** One answer change as journalled on the test machine. */
export const answerChangeSchema = z.strictObject({
  seq: z.number().int().positive().max(10_000_000),
  itemId: id,
  value: answerValueSchema,
  flagged: z.boolean().default(false),
});
export type AnswerChange = z.input<typeof answerChangeSchema>;

/** Changes go in batches so a reconnect re-sends its backlog in a few messages. */
export const MAX_CHANGES_PER_SAVE = 200;
export const answerSaveSchema = z.strictObject({
  sittingId: id,
  changes: z.array(answerChangeSchema).min(1).max(MAX_CHANGES_PER_SAVE),
});
export type AnswerSave = z.input<typeof answerSaveSchema>;

/**
 * A previous sitting's changes that this machine still holds unacknowledged, sent after
 * that session was retired (the machine moved on to the next sitting's login). Whoever is
 * logged in now does not matter: the session token names whose changes they are, and the
 * server accepts them only from the machine that session was on.
 */
export const answerDeliverSchema = z.strictObject({
  sessionToken: resumeSchema.shape.sessionToken,
  sittingId: id,
  changes: answerSaveSchema.shape.changes,
});
export type AnswerDeliver = z.input<typeof answerDeliverSchema>;

/** What a test machine reports about itself at start (notice §三 minimums are checked on it). */
export const machineCheckSchema = z.strictObject({
  os: z.string().max(100),
  cpuModel: z.string().max(200),
  cpuCores: z.number().int().min(1).max(1024),
  cpuMhz: z.number().min(0).max(100_000),
  totalMemoryBytes: z.number().int().nonnegative(),
  freeMemoryBytes: z.number().int().nonnegative(),
  freeDiskBytes: z.number().int().nonnegative(),
  screenWidth: z.number().int().min(1).max(20_000),
  screenHeight: z.number().int().min(1).max(20_000),
  displays: z.number().int().min(0).max(16),
  ipAddress: z.string().max(64),
  clientVersion: z.string().max(32),
});
export type MachineCheck = z.infer<typeof machineCheckSchema>;

/**
 * What the client can see that a person should judge (never a violation by itself):
 * focus lost, a display added, an attempt to close, a restart mid-sitting.
 */
export const CLIENT_ALERT_KINDS = Object.freeze([
  'focus-lost',
  'display-added',
  'close-attempt',
  'restarted',
  'shortcut-blocked',
] as const);
export type ClientAlertKind = (typeof CLIENT_ALERT_KINDS)[number];
export const clientAlertSchema = z.strictObject({
  kind: z.enum(CLIENT_ALERT_KINDS),
  detail: z.string().max(500).optional(),
});
export type ClientAlert = z.infer<typeof clientAlertSchema>;

export const handInSchema = z.strictObject({ sittingId: id });
export const emptySchema = z.strictObject({});

export type SittingPhase = 'scheduled' | 'login-open' | 'running' | 'ended';

/** A sitting as one candidate sees it; times are server epoch milliseconds. */
export interface SittingView {
  sittingId: string;
  subjectCode: string;
  subjectName: string;
  level: 'junior' | 'intermediate' | 'senior';
  phase: SittingPhase;
  scheduledStart: number;
  startedAt: number | null;
  endsAt: number | null;
  earliestHandInAt: number | null;
  handedInAt: number | null;
  serverNow: number;
}

export interface CandidateProfile {
  ticketNo: string;
  name: string;
  level: 'junior' | 'intermediate' | 'senior';
  specialty: string;
  photoPng: string;
  seatNo: number;
  roomName: string;
}

export interface ServerAnswer {
  itemId: string;
  value: z.infer<typeof answerValueSchema>;
  flagged: boolean;
  seq: number;
}

export interface LoginResult {
  sessionToken: string;
  candidate: CandidateProfile;
  sitting: SittingView;
  /** The paper, still sealed: it opens only with the key that comes at the start. */
  sealedPaper: string;
  /** Present only once the sitting has started in this room. */
  sittingKey: string | null;
  /** Highest contiguous sequence the server holds; the client re-sends what is above it. */
  ackSeq: number;
  /** What the server holds, so a reset onto another machine restores every answer. */
  answers: ServerAnswer[];
  /** Notices sent to this candidate (or the room) not yet acknowledged: shown until they are. */
  notices: Notice[];
}

export interface SittingStarted {
  sitting: SittingView;
  sittingKey: string;
}

export interface HandedIn {
  sittingId: string;
  handedInAt: number;
  kind: 'manual' | 'auto';
}

export interface SaveResult {
  ackSeq: number;
}
