import type { AuditLine } from '@exam/protocol';
import type { HistoryEntry } from '../shared/api.js';

type Params = HistoryEntry['params'];

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Who consented (the chief examiner), from a standalone audit event's data. */
const consentOf = (d: Record<string, unknown>): Record<string, unknown> =>
  d.consent && typeof d.consent === 'object' ? (d.consent as Record<string, unknown>) : {};

/** The history line for one audit action, or null for actions a proctor need not read here. */
function lineOf(a: AuditLine): { kind: HistoryEntry['kind']; params: Params } | null {
  const d = a.data;
  switch (a.action) {
    case 'candidate.login':
      return { kind: d.returning === true ? 'relogin' : 'login', params: { seatNo: num(d.seatNo) } };
    case 'candidate.reset':
      return { kind: 'reset', params: { reason: str(d.reason) } };
    case 'time.extended':
      return {
        kind: 'extension',
        params: { minutes: num(d.minutes), reason: str(d.reason), code: str(d.code) },
      };
    case 'candidate.marked-absent':
      return { kind: 'absent', params: {} };
    case 'candidate.absence-undone':
      return { kind: 'unabsent', params: {} };
    case 'violation.recorded':
      return { kind: 'violation', params: { category: str(d.category), description: str(d.description) } };
    case 'notice.sent':
      return { kind: 'notice', params: { text: str(d.text) } };
    case 'notice.acknowledged':
      return { kind: 'noticeAck', params: { text: str(d.text) } };
    case 'candidate.handed-in':
      return { kind: 'handedIn', params: { how: 'manual' } };
    case 'candidate.auto-handed-in':
      return { kind: 'handedIn', params: { how: 'auto' } };
    case 'client.alert':
      return { kind: 'alert', params: { alert: str(d.kind), detail: str(d.detail) } };
    case 'login.opened':
      return { kind: 'loginOpened', params: {} };
    case 'sitting.started':
      return { kind: 'started', params: {} };
    case 'sitting.ended':
      return { kind: 'ended', params: {} };
    case 'machine.checked':
      return null;
    case 'standalone.exported':
      return {
        kind: 'standaloneExported',
        params: { by: str(consentOf(d).by), reason: str(d.reason) },
      };
    case 'standalone.collected':
      return {
        kind: 'standaloneCollected',
        params: { merged: num(d.merged), fileSeq: num(d.fileSeq) },
      };
    case 'standalone.cancelled':
      return {
        kind: 'standaloneCancelled',
        params: { by: str(consentOf(d).by), reason: str(d.reason) },
      };
    case 'seat.assigned':
      return { kind: 'seatAssigned', params: { seatNo: num(d.seatNo) } };
    case 'transfer.out':
      return { kind: 'transferOut', params: { from: str(d.fromRoomId), reason: str(d.reason) } };
    case 'transfer.in':
      return { kind: 'transferIn', params: { from: str(d.fromRoomId), to: str(d.toRoomId) } };
    case 'transfer.resolved':
      return { kind: 'transferResolved', params: { outcome: str(d.outcome), note: str(d.note) } };
    default:
      return { kind: 'audit', params: { action: a.action } };
  }
}

/**
 * A candidate's audit trail as history lines. Ids are negative (minus the audit sequence)
 * so they never collide with the console's own lines, which count up from 1.
 */
export function auditHistory(
  lines: readonly AuditLine[],
  ticketNo: string,
  sittingId: string,
): HistoryEntry[] {
  return lines.flatMap((a) => {
    const line = lineOf(a);
    return line ? [{ id: -a.seq, at: a.at, ticketNo, sittingId, ...line }] : [];
  });
}
