import { z } from 'zod';
import type { SittingPhase } from './candidate.js';

/**
 * The site admin page's own views (issue 18, point 5): what `GET /api/admin/rooms`,
 * `GET /api/admin/keys` and `/api/admin/arrangement*` carry. The page reads them; the one
 * inbound body is parsed with its schema.
 */

/** `POST /api/admin/arrangement-check`: what the scanner typed (or the admin). */
export const arrangementCheckRequestSchema = z.strictObject({
  // An arrangement code is ~90 ASCII characters; a scanner never sends more than a line.
  code: z.string().min(1).max(400),
});
export type ArrangementCheckRequest = z.infer<typeof arrangementCheckRequestSchema>;

/** Why a scanned code does not match (`ARRANGEMENT_MISMATCH` in @exam/centre). */
export type ArrangementMismatchReason =
  | 'unreadable'
  | 'other-exam'
  | 'other-site'
  | 'unknown-room'
  | 'timestamp-differs'
  | 'arrangement-differs';

export interface ArrangementCheckResult {
  roomId: string | null;
  match: boolean;
  reason: ArrangementMismatchReason | null;
  /** What the code says (null when it could not be read), beside what the site holds. */
  scanned: { examId: string; siteId: string; roomId: string; arrangementTimestamp: string } | null;
  expected: { examId: string; siteId: string; arrangementTimestamp: string };
  checkedAt: number;
}

/** Every room and its last check (`GET /api/admin/arrangement`). */
export interface ArrangementOverview {
  arrangementTimestamp: string | null;
  rooms: {
    roomId: string;
    name: string;
    candidates: number;
    /** The room's last scanned code's verdict; null: not checked yet. */
    lastCheck: { match: boolean; reason: ArrangementMismatchReason | null; checkedAt: number } | null;
  }[];
}

/** `GET /api/admin/keys`: the registered proctor and chief keys. */
export interface RegisteredKeyView {
  role: 'proctor' | 'chief';
  roomId: string | null;
  holder: string;
  fingerprint: string;
}

/** One room's sitting, counted (`GET /api/admin/rooms`). */
export interface RoomSittingCounts {
  sittingId: string;
  subjectName: string;
  scheduledStart: number;
  phase: SittingPhase;
  candidates: number;
  loggedIn: number;
  answering: number;
  handedIn: number;
  absent: number;
}

export interface RoomOverview {
  roomId: string;
  name: string;
  seats: number;
  /** Machines a proctor approved for a seat, and how many of them passed the machine check. */
  machinesApproved: number;
  machinesChecked: number;
  /** Registered machines whose check found a shortfall. */
  machinesShortfall: number;
  consoleConnected: boolean;
  sittings: RoomSittingCounts[];
}

/** The header of every admin screen: the exam the site holds, if any. */
export interface SiteOverview {
  examId: string | null;
  examName: string | null;
  siteId: string | null;
  siteName: string | null;
  arrangementTimestamp: string | null;
  authorizedUntil: string | null;
  serverNow: number;
}

export interface RoomsOverview {
  site: SiteOverview;
  rooms: RoomOverview[];
}
