import type { SiteTrust } from '@exam/crypto';
import type { HandedIn, Notice, Paper, SittingPhase } from '@exam/protocol';
import type { BackoffOptions } from './backoff.js';
import type { MonotonicSource } from './clock.js';
import type { CoreError } from './errors.js';
import type { CoreLogger } from './logger.js';
import type { MachineKey } from './machineKey.js';
import type { SessionSource } from './sessionSource.js';

/**
 * Where the session comes from: a `source`, or (every caller of today) the site server's
 * `serverUrl`, from which the core builds a SocketSessionSource with `ackTimeoutMs` and
 * `backoff`. An injected source applies its own deadlines.
 */
export type CandidateCoreOptions = CoreSettings &
  ({ serverUrl: string; source?: undefined } | { source: SessionSource; serverUrl?: undefined });

export interface CoreSettings {
  journalPath: string;
  /**
   * What this machine was installed to trust: the centre root and its site. The socket
   * source checks the site's TLS certificate with it; every source's paper must carry the
   * centre's signature under that root before it opens.
   */
  trust: SiteTrust;
  /**
   * The machine's key (issue 16): read from `machineKeyPath`, by default machine-key.pem
   * beside the journal, and made there at the first start. `machineKey` injects one.
   */
  machineKeyPath?: string;
  machineKey?: MachineKey;
  /**
   * The seat the site set this machine up for, if any: only what the join screen proposes.
   * The seat the machine sits at is the one the proctor approved (the site's binding).
   */
  roomId?: string;
  seatNo?: number;
  clientVersion: string;
  /** Injected so a demo can run the sitting at 60× (see `scaledMonotonic`). */
  monotonicNow?: MonotonicSource;
  /** Deadline for each acknowledgement, in real milliseconds. */
  ackTimeoutMs?: number;
  /** How long hand-in waits for the backlog to be acknowledged first. */
  drainTimeoutMs?: number;
  /** How often the countdown is checked for reminders and time-up, in real milliseconds. */
  tickMs?: number;
  /** Reconnect and resend backoff; defaults to BACKOFF_DEFAULTS. */
  backoff?: BackoffOptions;
  logger?: CoreLogger;
}

/**
 * Where the candidate is, for the UI. `revoked`: a proctor's reset moved this machine's
 * candidate to another machine; this one is locked until a later sitting's login opens in
 * the room, or the client restarts.
 */
export type CorePhase =
  | 'signed-out'
  | 'waiting'
  | 'answering'
  | 'time-up'
  | 'handed-in'
  | 'ended'
  | 'revoked';

/**
 * Where this machine stands with the site (issue 16). `unproven`: it has not proved its key
 * to the site yet since it started; `unknown`: the site has no binding or request for it
 * (it may ask to join a seat); `pending`: its request waits for the proctor; `approved`: it
 * is bound to a seat; `refused`: the proctor refused the request (or retired the binding),
 * it may ask again.
 */
export type AdmissionStage = 'unproven' | 'unknown' | 'pending' | 'approved' | 'refused';

export interface MachineAdmission {
  stage: AdmissionStage;
  /** This machine's fingerprint (hex SHA-256 of its public key), known from the start. */
  fingerprint: string;
  /** The seat of the binding (approved) or of the request (pending); null otherwise. */
  roomId: string | null;
  seatNo: number | null;
}

export interface CoreStatus {
  /** Connected, proved, approved and (with a session) resumed: saves are being sent. */
  connected: boolean;
  /** Connected and proved on this connection (approved or not): it may ask to join. */
  linked: boolean;
  /**
   * The last connect attempt found a server that could not prove it is this site's (TLS
   * certificate not from the centre root, or for another site); cleared on a connection.
   */
  serverIdentityRefused: boolean;
  /**
   * The paper that came for this session is not the one the exam centre signed: it stays
   * shut. Cleared when a paper opens (a proof from the real site, after a reconnect).
   */
  paperRefused: boolean;
  machine: MachineAdmission;
  phase: CorePhase;
  /** Answer changes on this disk the server has not acknowledged yet. */
  pending: number;
  ackSeq: number;
  remainingMs: number | null;
  handedIn: boolean;
  /** Server time of the last acknowledgement. */
  lastSyncAt: number | null;
  /** Changes of sessions this machine moved on from that the server has not acknowledged. */
  undelivered: number;
}

/** Why the machine moved on from a session: "完成" pressed, or the sitting ended. */
export type RetireReason = 'done' | 'ended';

export interface CoreEvents extends Record<string, unknown[]> {
  change: [CoreStatus];
  paper: [Paper];
  handedIn: [HandedIn];
  connection: [{ connected: boolean }];
  revoked: [{ reason: string }];
  /** The machine moved on from its session and is ready for the next login. */
  retired: [{ ticketNo: string; sittingId: string; reason: RetireReason }];
  reminder: [{ beforeEndMs: number }];
  /** A proctor's notice arrived (or the list changed at resume); read `notices()`. */
  notices: [Notice[]];
  problem: [CoreError];
}

/** What the phase is derived from; kept pure so the rule reads in one place. */
export interface PhaseInputs {
  revoked: boolean;
  sitting: { phase: SittingPhase; handedInAt: number | null } | null;
  timeUp: boolean;
  paperOpen: boolean;
}

export function phaseOf(i: PhaseInputs): CorePhase {
  if (i.revoked) return 'revoked';
  if (!i.sitting) return 'signed-out';
  if (i.sitting.handedInAt !== null) return 'handed-in';
  if (i.sitting.phase === 'ended') return 'ended';
  if (i.timeUp) return 'time-up';
  return i.paperOpen ? 'answering' : 'waiting';
}
