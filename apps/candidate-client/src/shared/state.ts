import type { AnswerValue, CandidateProfile, ClientAlertKind, Notice, SittingView } from '@exam/protocol';

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

export interface CandidateState {
  /** `connecting` until the first connection; `offline` after one was lost. */
  connection: 'connecting' | 'online' | 'offline';
  /** `roomName` is the room's name from the server (第01考场); null until it has answered. */
  machine: { roomId: string; roomName: string | null; seatNo: number; clientVersion: string };
  phase: CandidatePhase;
  candidate: CandidateProfile | null;
  sitting: Omit<SittingView, 'serverNow'> | null;
  progress: ScreenProgress;
  paperOpen: boolean;
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
}

export interface AnswerEntry {
  itemId: string;
  value: AnswerValue;
  flagged: boolean;
}

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
