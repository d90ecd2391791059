import type { AuditLine, CandidateDetail } from '@exam/protocol';
import { type AuditRow, listAuditBySubjects } from '../audit/auditTable.js';
import { roomCandidate } from '../rooms/roomOperations.js';
import type { SiteContext } from '../site/context.js';
import { getCandidatePhoto } from './candidatesTable.js';

/**
 * Keeps the last four characters only: enough to match the card in the candidate's hand.
 * The region code and birth date stay hidden: with them on a screen the room can see, only
 * a birth date was left to guess (issue 16).
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${'*'.repeat(idNumber.length - 4)}${idNumber.slice(-4)}`;
}

/** Room-wide events that concern every candidate of the room's sitting. */
const ROOM_WIDE = new Set(['login.opened', 'sitting.started', 'sitting.ended']);

interface Scope {
  ticketNo: string;
  roomSubject: string;
  /** This candidate's first login to this sitting; machine events before it were another sitting's. */
  since: number;
}

function concerns(row: AuditRow, data: Record<string, unknown>, scope: Scope): boolean {
  const { ticketNo, roomSubject } = scope;
  if (row.subject !== roomSubject) {
    // Machine subjects (room/seat) are shared by whoever sat there: keep this candidate's.
    return row.actor_id === ticketNo && row.at >= scope.since;
  }
  if (ROOM_WIDE.has(row.action)) return true;
  if (row.action === 'notice.sent') return data.to === 'room' || data.to === ticketNo;
  if (row.action === 'time.extended') return Array.isArray(data.tickets) && data.tickets.includes(ticketNo);
  return false;
}

/** The seats this candidate logged in at, from their own login events. */
function seatsUsed(rows: AuditRow[]): number[] {
  const seats = new Set<number>();
  for (const r of rows) {
    if (r.action !== 'candidate.login') continue;
    const seat = (JSON.parse(r.data) as { seatNo?: unknown }).seatNo;
    if (typeof seat === 'number') seats.add(seat);
  }
  return [...seats];
}

/** The photo, masked ID and audit trail of one candidate of this room (the console's own). */
export function candidateDetail(
  ctx: SiteContext,
  roomId: string,
  sittingId: string,
  ticketNo: string,
): CandidateDetail {
  const { candidate, cs } = roomCandidate(ctx, roomId, sittingId, ticketNo);
  const own = `${ticketNo}/${sittingId}`;
  const roomSubject = `${roomId}/${sittingId}`;
  const ownRows = listAuditBySubjects(ctx.db, [own]);
  const seats = new Set([...seatsUsed(ownRows), ...(candidate.seat_no === null ? [] : [candidate.seat_no])]);
  const firstLogin = ownRows.find((r) => r.action === 'candidate.login');
  const scope: Scope = { ticketNo, roomSubject, since: firstLogin?.at ?? Number.POSITIVE_INFINITY };
  const others = listAuditBySubjects(ctx.db, [roomSubject, ...[...seats].map((s) => `${roomId}/${s}`)]);
  const history: AuditLine[] = [...ownRows, ...others]
    .sort((a, b) => a.seq - b.seq)
    .flatMap((row) => {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      if (row.subject !== own && !concerns(row, data, scope)) return [];
      return [
        {
          seq: row.seq,
          at: row.at,
          actorRole: row.actor_role,
          actorId: row.actor_id,
          action: row.action,
          data,
        },
      ];
    });
  return {
    ticketNo,
    sittingId,
    name: candidate.name,
    idNumberMasked: maskIdNumber(candidate.id_number),
    photoPng: getCandidatePhoto(ctx.db, ticketNo) ?? '',
    level: candidate.level,
    specialty: candidate.specialty,
    seatNo: cs.seat_no ?? candidate.seat_no,
    history,
  };
}
