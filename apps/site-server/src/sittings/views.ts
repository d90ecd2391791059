import { type CandidateTiming, earliestHandInAt, endsAt, timingFor } from '@exam/domain';
import type { CandidateTile, RoomSittingView, SittingPhase, SittingView } from '@exam/protocol';
import type { CandidateSittingRow, RoomCandidateRow } from '../candidates/candidateSittingsTable.js';
import type { RoomSittingRow } from './roomSittingsTable.js';
import type { SittingMeta } from './sittingsTable.js';

export function phaseOf(rs: RoomSittingRow): SittingPhase {
  if (rs.ended_at !== null) return 'ended';
  if (rs.started_at !== null) return 'running';
  if (rs.login_opened_at !== null) return 'login-open';
  return 'scheduled';
}

/** A candidate's own clock: the room's start plus the level's duration plus their extensions. */
export function candidateTiming(
  sitting: SittingMeta,
  rs: RoomSittingRow,
  cs: Pick<CandidateSittingRow, 'extension_ms'>,
): CandidateTiming | null {
  if (rs.started_at === null) return null;
  return timingFor(sitting.level, rs.started_at, cs.extension_ms);
}

export function sittingView(
  sitting: SittingMeta,
  rs: RoomSittingRow,
  cs: CandidateSittingRow,
  serverNow: number,
): SittingView {
  const t = candidateTiming(sitting, rs, cs);
  return {
    sittingId: sitting.sitting_id,
    subjectCode: sitting.subject_code,
    subjectName: sitting.subject_name,
    level: sitting.level,
    phase: phaseOf(rs),
    scheduledStart: sitting.scheduled_start,
    startedAt: rs.started_at,
    endsAt: t ? endsAt(t) : null,
    earliestHandInAt: t ? earliestHandInAt(t) : null,
    handedInAt: cs.handed_in_at,
    serverNow,
  };
}

export function roomSittingView(sitting: SittingMeta, rs: RoomSittingRow): RoomSittingView {
  return {
    sittingId: sitting.sitting_id,
    subjectName: sitting.subject_name,
    scheduledStart: sitting.scheduled_start,
    loginOpenedAt: rs.login_opened_at,
    startedAt: rs.started_at,
    endedAt: rs.ended_at,
  };
}

export function candidateTile(
  row: RoomCandidateRow,
  sitting: SittingMeta,
  rs: RoomSittingRow,
  online: boolean,
  totalItems: number,
): CandidateTile {
  const t = candidateTiming(sitting, rs, row);
  const loggedIn = row.status === 'not-started' && row.machine_id !== null;
  return {
    ticketNo: row.ticket_no,
    ticketTail: row.ticket_no.slice(-3),
    name: row.name,
    seatNo: row.seat_no ?? row.assigned_seat,
    sittingId: row.sitting_id,
    status: loggedIn ? 'logged-in' : row.status,
    online,
    answered: row.answered,
    total: totalItems,
    ackSeq: row.ack_seq,
    lastSyncAt: row.last_sync_at,
    endsAt: t ? endsAt(t) : null,
    handedInAt: row.handed_in_at,
    extensionMs: row.extension_ms,
    suggestedExtensionMs: row.suggested_extension_ms,
    resetPending: row.reset_pending === 1,
    violations: row.violations,
  };
}
