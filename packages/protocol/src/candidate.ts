import { z } from 'zod';
import { answerChangeSchema } from './answerChange.js';
import { paperProofSchema } from './paperProof.js';
import { noticePushSchema } from './proctorActions.js';
import { safeText } from './safeText.js';

/** Candidate namespace: events a test machine sends and what comes back. */
const id = safeText(64, 1);

export const loginSchema = z.strictObject({
  ticketNo: safeText(20, 1),
  idNumber: safeText(18, 1),
});
export type LoginRequest = z.infer<typeof loginSchema>;

export const resumeSchema = z.strictObject({ sessionToken: safeText(128, 16) });

/** Changes go in batches so a reconnect re-sends its backlog in a few messages. */
export const MAX_CHANGES_PER_SAVE = 200;
export const answerSaveSchema = z.strictObject({
  sittingId: id,
  // The journal's change as it is; a machine that leaves the flag out means unflagged.
  changes: z
    .array(answerChangeSchema.extend({ flagged: answerChangeSchema.shape.flagged.default(false) }))
    .min(1)
    .max(MAX_CHANGES_PER_SAVE),
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
  os: safeText(100),
  cpuModel: safeText(200),
  cpuCores: z.number().int().min(1).max(1024),
  cpuMhz: z.number().min(0).max(100_000),
  totalMemoryBytes: z.number().int().nonnegative(),
  freeMemoryBytes: z.number().int().nonnegative(),
  freeDiskBytes: z.number().int().nonnegative(),
  screenWidth: z.number().int().min(1).max(20_000),
  screenHeight: z.number().int().min(1).max(20_000),
  displays: z.number().int().min(0).max(16),
  ipAddress: safeText(64),
  clientVersion: safeText(32),
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
  detail: safeText(500).optional(),
});
export type ClientAlert = z.infer<typeof clientAlertSchema>;

export const handInSchema = z.strictObject({ sittingId: id });
export const emptySchema = z.strictObject({});

/*
 * What the server sends back: replies and pushes. Declared as schemas, not interfaces, so a
 * client parses them (ARCHITECTURE §5) with the same definition the server is typed by.
 * Plain (stripping) objects: a newer server may add a field without breaking an older client.
 */
const time = z.number();
const level = z.enum(['junior', 'intermediate', 'senior']);

export const sittingPhaseSchema = z.enum(['scheduled', 'login-open', 'running', 'ended']);
export type SittingPhase = z.infer<typeof sittingPhaseSchema>;

/** A sitting as one candidate sees it; times are server epoch milliseconds. */
export const sittingViewSchema = z.object({
  sittingId: z.string(),
  subjectCode: z.string(),
  subjectName: z.string(),
  level,
  phase: sittingPhaseSchema,
  scheduledStart: time,
  startedAt: time.nullable(),
  endsAt: time.nullable(),
  earliestHandInAt: time.nullable(),
  handedInAt: time.nullable(),
  serverNow: time,
});
export type SittingView = z.infer<typeof sittingViewSchema>;

export const candidateProfileSchema = z.object({
  ticketNo: z.string(),
  name: z.string(),
  level,
  specialty: z.string(),
  photoPng: z.string(),
  seatNo: z.number().int(),
  roomName: z.string(),
});
export type CandidateProfile = z.infer<typeof candidateProfileSchema>;

/** An item's latest change as the server holds it, without its times. */
export const serverAnswerSchema = answerChangeSchema.pick({
  itemId: true,
  value: true,
  flagged: true,
  seq: true,
});
export type ServerAnswer = z.infer<typeof serverAnswerSchema>;

export const loginResultSchema = z.object({
  sessionToken: z.string(),
  candidate: candidateProfileSchema,
  sitting: sittingViewSchema,
  /** The paper, still sealed: it opens only with the key that comes at the start. */
  sealedPaper: z.string(),
  /** The centre's signature over that paper: checked against the centre root before it opens. */
  paperProof: paperProofSchema,
  /** Present only once the sitting has started in this room. */
  sittingKey: z.string().nullable(),
  /** Highest contiguous sequence the server holds; the client re-sends what is above it. */
  ackSeq: z.number().int().nonnegative(),
  /** What the server holds, so a reset onto another machine restores every answer. */
  answers: z.array(serverAnswerSchema),
  /** Notices sent to this candidate (or the room) not yet acknowledged: shown until they are. */
  notices: z.array(noticePushSchema),
});
export type LoginResult = z.infer<typeof loginResultSchema>;

export const sittingStartedSchema = z.object({
  sitting: sittingViewSchema,
  sittingKey: z.string(),
});
export type SittingStarted = z.infer<typeof sittingStartedSchema>;

export const handedInSchema = z.object({
  sittingId: z.string(),
  handedInAt: time,
  kind: z.enum(['manual', 'auto']),
});
export type HandedIn = z.infer<typeof handedInSchema>;

export const saveResultSchema = z.object({ ackSeq: z.number().int().nonnegative() });
export type SaveResult = z.infer<typeof saveResultSchema>;

export const serverNowSchema = z.object({ serverNow: time });
export const machineCheckResultSchema = z.object({ shortfalls: z.array(z.string()) });
export const clientAlertResultSchema = z.object({ id: z.number().int() });
export const noticeAckResultSchema = z.object({ acknowledgedAt: time });
export const sessionRevokedSchema = z.object({ reason: z.string() });
/**
 * To an older connection of a candidate when a newer login or resume of the same candidate
 * and sitting took over (issue 16): it saves no more; its unsent changes stay on its disk.
 */
export const sessionReplacedSchema = z.object({ sittingId: z.string() });
/** To every approved machine in the room when a sitting's login opens or it ends. */
export const loginOpenPushSchema = z.object({ sittingIds: z.array(z.string()) });
