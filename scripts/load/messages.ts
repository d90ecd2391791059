import { juniorTestPaper } from '@exam/centre';
import type { AnswerValue } from '@exam/protocol';

/** How the load generator is set up; the controller passes it as JSON in argv. */
export interface GeneratorConfig {
  url: string;
  /** `site`: the whole sitting against a site server; `bare`: connect and save only (baseline). */
  mode: 'site' | 'bare';
  candidates: number;
  perRoom: number;
  ackLogPath: string;
  /** The chief examiner's key file (site mode), used as the console of every room. */
  chiefKeyPath?: string;
  siteId?: string;
  /**
   * The centre root (PEM) the simulated machines and consoles trust, with `siteId`, for a
   * site on TLS; absent for a plain server (the bare baseline, the plain side of the TLS bench).
   */
  centreRootPem?: string;
  /** Reconnect, resume and re-send after a drop (fault runs); off for benchmarks. */
  reconnect: boolean;
  seed: number;
}

export type Command =
  | { type: 'setup' }
  | { type: 'start' }
  | { type: 'saves'; rate: number; durationMs: number; drainMs?: number }
  | { type: 'run'; rate: number }
  | { type: 'stop'; timeoutMs: number }
  | { type: 'handIn'; maxWaitMs: number }
  | { type: 'flush' }
  | { type: 'state' }
  | { type: 'close' };

export interface SetupResult {
  connectMs: number;
  /** Every machine proving its key (hello + prove) on its new connection. */
  registerMs: number;
  loginMs: number;
  /** First connect to the last login acknowledgement. */
  stormMs: number;
  loggedIn: number;
}

export interface StartResult {
  /** First start command sent to the last candidate holding the sitting key. */
  allHoldKeyMs: number;
  startAckMs: number;
  holding: number;
}

export interface SavesResult {
  offeredRate: number;
  achievedRate: number;
  sent: number;
  acked: number;
  unanswered: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: Record<string, number>;
  /** The generator's own event-loop delay in the window (ms): large means it, not the server, was late. */
  generatorLoopMs: { p99: number; max: number };
}

export interface StopResult {
  resynced: number;
  lagging: { ticketNo: string; lastSeq: number; ackSeq: number; ready: boolean }[];
  totalSeq: number;
  reconnects: number;
}

export interface CandidateState {
  ticketNo: string;
  lastSeq: number;
  ackSeq: number;
  ready: boolean;
  reconnectAt: number[];
}

export interface HandInResult {
  waitedMs: number;
  handInMs: number;
  handedIn: number;
  errors: Record<string, number>;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const ITEMS = juniorTestPaper(10).items;

/**
 * The answer a simulated candidate gives at sequence `seq`: deterministic, so a checker can
 * tell from the database alone whether a stored change is the one that was sent.
 */
export function changeFor(ticketNo: string, seq: number): { itemId: string; value: AnswerValue } {
  const offset = Number(ticketNo.slice(-3)) || 0;
  const item = ITEMS[(seq + offset) % ITEMS.length]!;
  switch (item.kind) {
    case 'single':
      return { itemId: item.id, value: 'ABCD'[seq % 4]! };
    case 'multiple':
      return {
        itemId: item.id,
        value: [
          ['A', 'B'],
          ['B', 'C', 'D'],
          ['A', 'D'],
        ][seq % 3]!,
      };
    default:
      return { itemId: item.id, value: seq % 2 === 0 };
  }
}

/** Percentile of an ascending list (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** A step's p99 limit (ms) for the top save rate: the "p99 under 100 ms". */
export const STEP_P99_MS = 100;

/**
 * A measured rate holds when its p99 is under `STEP_P99_MS` at ≥ 90 % of the offered rate
 * (a negative p99 means some saves were never answered). The site, the bare socket.io
 * server and the bare SQLite inserts are all judged by this.
 */
export const stepHeld = (s: { p99: number; achievedRate: number; offeredRate: number }) =>
  s.p99 >= 0 && s.p99 < STEP_P99_MS && s.achievedRate >= 0.9 * s.offeredRate;
