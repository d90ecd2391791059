import { sha256Hex } from '@exam/crypto';
import type { ExamData } from '@exam/protocol';

/**
 * The arrangement code (考场数据扫码校验): printed as text and as a QR code on a room's data
 * sheet and its tickets, scanned at the site to prove the room data the site server holds is
 * the arrangement those papers were printed from.
 *
 *   ARR1|<examId>|<siteId>|<roomId>|<arrangementTimestamp>|<digest>
 *
 * `digest` is the first 12 hex of SHA-256 over the room's (ticketNo, seatNo) list sorted by
 * ticket, one `ticketNo,seatNo` line each (an overbooked site's unassigned seat is empty),
 * then the timestamp on its own line. A USB scanner types it like a keyboard, so it is plain
 * ASCII without spaces.
 */
export const ARRANGEMENT_CODE_PREFIX = 'ARR1';
const DIGEST_HEX = 12;

export interface RoomArrangement {
  examId: string;
  siteId: string;
  roomId: string;
  arrangementTimestamp: string;
  seats: readonly { ticketNo: string; seatNo: number | null }[];
}

/** The digest of a room's seats and the arrangement's timestamp. */
export function arrangementDigest(seats: RoomArrangement['seats'], arrangementTimestamp: string): string {
  const lines = [...seats]
    .sort((a, b) => (a.ticketNo < b.ticketNo ? -1 : a.ticketNo > b.ticketNo ? 1 : 0))
    .map((s) => `${s.ticketNo},${s.seatNo ?? ''}\n`)
    .join('');
  return sha256Hex(Buffer.from(`${lines}${arrangementTimestamp}\n`, 'utf8')).slice(0, DIGEST_HEX);
}

/** The code of one room, from what the site holds of it (or what the centre built). */
export function roomArrangementCode(room: RoomArrangement): string {
  return [
    ARRANGEMENT_CODE_PREFIX,
    room.examId,
    room.siteId,
    room.roomId,
    room.arrangementTimestamp,
    arrangementDigest(room.seats, room.arrangementTimestamp),
  ].join('|');
}

/** The code of `roomId` in the exam data the centre builds (its candidates seated there). */
export function arrangementCode(
  examData: Pick<ExamData, 'examId' | 'site' | 'arrangementTimestamp' | 'candidates' | 'rooms'>,
  roomId: string,
): string {
  if (!examData.rooms.some((r) => r.roomId === roomId))
    throw new Error(`Room ${roomId} is not in exam ${examData.examId}.`);
  return roomArrangementCode({
    examId: examData.examId,
    siteId: examData.site.siteId,
    roomId,
    arrangementTimestamp: examData.arrangementTimestamp,
    seats: examData.candidates.filter((c) => c.roomId === roomId),
  });
}

export interface ParsedArrangementCode {
  examId: string;
  siteId: string;
  roomId: string;
  arrangementTimestamp: string;
  digest: string;
}

/** A scanned code's parts, or null when it is not an arrangement code at all. */
export function parseArrangementCode(text: string): ParsedArrangementCode | null {
  const parts = text.trim().split('|');
  if (parts.length !== 6 || parts[0] !== ARRANGEMENT_CODE_PREFIX) return null;
  const [, examId, siteId, roomId, arrangementTimestamp, digest] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!examId || !siteId || !roomId || Number.isNaN(Date.parse(arrangementTimestamp))) return null;
  if (!new RegExp(`^[0-9a-f]{${DIGEST_HEX}}$`).test(digest)) return null;
  return { examId, siteId, roomId, arrangementTimestamp, digest };
}

/** Why a scanned code does not match the site's room data; null when it matches. */
export const ARRANGEMENT_MISMATCH = Object.freeze({
  unreadable: 'unreadable',
  otherExam: 'other-exam',
  otherSite: 'other-site',
  unknownRoom: 'unknown-room',
  timestampDiffers: 'timestamp-differs',
  arrangementDiffers: 'arrangement-differs',
} as const);
export type ArrangementMismatch = (typeof ARRANGEMENT_MISMATCH)[keyof typeof ARRANGEMENT_MISMATCH];

export interface ArrangementVerdict {
  /** The room the code names (null when it could not be read). */
  roomId: string | null;
  match: boolean;
  reason: ArrangementMismatch | null;
  /** What the code says, for the admin to compare with the site's. */
  scanned: ParsedArrangementCode | null;
}

/**
 * Compares a scanned code with the room data the site holds, saying the first thing that
 * differs in the order an admin would look for it: the exam, the site, the room, the
 * arrangement's timestamp, then the seats themselves.
 */
export function judgeArrangementCode(
  text: string,
  site: {
    examId: string;
    siteId: string;
    arrangementTimestamp: string;
    room(roomId: string): RoomArrangement | null;
  },
): ArrangementVerdict {
  const scanned = parseArrangementCode(text);
  const verdict = (reason: ArrangementMismatch | null): ArrangementVerdict => ({
    roomId: scanned?.roomId ?? null,
    match: reason === null,
    reason,
    scanned,
  });
  if (!scanned) return verdict(ARRANGEMENT_MISMATCH.unreadable);
  if (scanned.examId !== site.examId) return verdict(ARRANGEMENT_MISMATCH.otherExam);
  if (scanned.siteId !== site.siteId) return verdict(ARRANGEMENT_MISMATCH.otherSite);
  const room = site.room(scanned.roomId);
  if (!room) return verdict(ARRANGEMENT_MISMATCH.unknownRoom);
  if (Date.parse(scanned.arrangementTimestamp) !== Date.parse(room.arrangementTimestamp))
    return verdict(ARRANGEMENT_MISMATCH.timestampDiffers);
  if (roomArrangementCode(room) !== text.trim()) return verdict(ARRANGEMENT_MISMATCH.arrangementDiffers);
  return verdict(null);
}
