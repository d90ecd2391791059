import type { AnswerChange, CandidateProfile, ClientAlertKind, Notice, SittingView } from '@exam/protocol';

/**
 * What the renderer shows, as the host sees it. Plain data only: it crosses Electron's IPC
 * (structured clone) and the web host's websocket (JSON) unchanged.
 */
export type CandidatePhase =
  | 'signed-out'
  | 'waiting'
  | 'answering'
  | 'time-up'
  | 'handed-in'
  | 'ended'
  | 'revoked';

/** How far the candidate has got through the screens before the exam; kept by the host. */
export interface ScreenProgress {
  /** "确认登录" pressed on the confirmation screen. */
  confirmed: boolean;
  /** Senior sittings: the typing and input-method test was done (or skipped at the start). */
  typingTestDone: boolean;
  /** "我已阅读" ticked on the exam notice. */
  noticeRead: boolean;
  /** The candidate entered the exam screen. */
  entered: boolean;
}

/**
 * Where this machine stands with the site (issue 16): `unproven` until it has proved its key
 * since it started, `unknown` (may ask to join a seat), `pending` (the proctor has not
 * decided yet), `approved` (bound to a seat), `refused` (the proctor refused; may ask again).
 */
export type MachineAdmissionStage = 'unproven' | 'unknown' | 'pending' | 'approved' | 'refused';

export interface MachineInfo {
  /** The seat of the site's binding (or of the waiting request); null before either. */
  roomId: string | null;
  /** The room's name from the server (第01考场); null until it has approved this machine. */
  roomName: string | null;
  seatNo: number | null;
  clientVersion: string;
  admission: MachineAdmissionStage;
  /** This machine's fingerprint as people read and compare it ("3F2A-91C0-7D11-0B9E"). */
  fingerprint: string;
  /** The seat the site set this machine up for, if any: what the join form proposes. */
  proposed: { roomId: string | null; seatNo: number | null };
}

export interface CandidateState {
  /**
   * `connecting` until the first connection; `offline` after one was lost; `untrusted` while
   * the server reached cannot prove it is this site's (TLS certificate not from the centre
   * root, or for another site): nothing is sent to it, and the client keeps trying.
   */
  connection: 'connecting' | 'online' | 'offline' | 'untrusted';
  machine: MachineInfo;
  phase: CandidatePhase;
  candidate: CandidateProfile | null;
  sitting: Omit<SittingView, 'serverNow'> | null;
  progress: ScreenProgress;
  paperOpen: boolean;
  /** The paper that came is not the one the exam centre signed: it stays shut (issue 16). */
  paperRefused: boolean;
  /** Server time as this machine estimates it; null before the first sample. */
  serverNow: number | null;
  remainingMs: number | null;
  /** Until the scheduled start (negative once past it); null without a sitting or a clock. */
  startsInMs: number | null;
  canHandIn: boolean;
  /** Answer changes durable on this machine that the server has not acknowledged yet. */
  pending: number;
  /** Changes of earlier sittings this machine moved on from, still on their way to the server. */
  undelivered: number;
  handedIn: { at: number; kind: 'manual' | 'auto' } | null;
  /** A hand-in that failed for a reason other than "too early": the candidate calls the proctor. */
  handInFailure: string | null;
  revokedReason: string | null;
  /** True when this process resumed a sitting from the journal after a restart. */
  resumed: boolean;
  /** Shortfalls the server found in the machine check (e.g. SCREEN_TOO_SMALL). */
  machineShortfalls: string[];
  /** The proctor's notices not dismissed yet, oldest first; shown over every screen. */
  notices: Notice[];
  /** Set while the session comes from a standalone package (issue 17): no network, no live backup. */
  standalone: StandaloneView | null;
}

/** The standalone session this machine runs (issue 17). */
export interface StandaloneView {
  packageId: string;
  ticketNo: string;
  name: string;
  /** The sitting's title as the package names it. */
  title: string;
  /** The answer file written last (hand-in, automatic hand-in, or the proctor's demand). */
  lastFile: AnswerFileView | null;
}

/** Where an answer file went: each full path written, and each folder that could not take it. */
export interface AnswerFileView {
  fileSeq: number;
  fileName: string;
  written: string[];
  failed: string[];
  /** It carries the hand-in (else: answers so far, written on the proctor's demand). */
  handIn: boolean;
}

/** Whose package the proctor is importing, before the code. */
export interface StandaloneHeaderView {
  packageId: string;
  sittingId: string;
  roomId: string;
  examDay: string;
  expiresAt: string;
  ticketNo: string;
  name: string;
  /** This machine runs this package already (after a restart): no code is asked. */
  resumes: boolean;
}

/** An item's latest answer as the renderer shows it. */
export type AnswerEntry = Pick<AnswerChange, 'itemId' | 'value' | 'flagged'>;

/** A reminder that this much time is left (RULES.reminderBeforeEndMs). */
export interface Reminder {
  beforeEndMs: number;
}

export type AlertKind = Exclude<ClientAlertKind, 'restarted'>;

export interface ScreenInfo {
  width: number;
  height: number;
  displays: number;
}
