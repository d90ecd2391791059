import type { AuditEvent, ReceivedAnswerPackage } from '@exam/protocol';

/** One transfer of a candidate between rooms (overbooking, issue 19), as the centre reads it. */
export interface TransferFinding {
  ticketNo: string;
  transferId: number;
  fromRoomId: string;
  toRoomId: string | null;
  state: 'out' | 'in' | 'resolved';
  outcome: string | null;
}

export interface TransferFindings {
  transfers: TransferFinding[];
  problems: string[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Each transfer a package carries must be the audit chain's: its transfer out, and its taking
 * in (the candidate's answers then come from the receiving room, so the package must place
 * them there) or its resolution; and no transfer the chain records may be left out. A final
 * package holds no open transfer: the sending room cannot end with one.
 */
export function checkTransfers(pkg: ReceivedAnswerPackage): TransferFindings {
  const problems: string[] = [];
  const transfers: TransferFinding[] = [];
  const events = new Map<string, AuditEvent>();
  const chainOuts = new Set<number>();
  for (const e of pkg.audit) {
    if (!e.action.startsWith('transfer.') || !e.subject.endsWith(`/${pkg.sittingId}`)) continue;
    const id = record(e.data).transferId;
    if (typeof id !== 'number') continue;
    events.set(`${e.action}:${id}`, e);
    if (e.action === 'transfer.out') chainOuts.add(id);
  }
  const packaged = new Set<number>();
  for (const c of pkg.candidates) {
    for (const t of c.transfers ?? []) {
      packaged.add(t.transferId);
      transfers.push({
        ticketNo: c.ticketNo,
        transferId: t.transferId,
        fromRoomId: t.fromRoomId,
        toRoomId: t.toRoomId,
        state: t.state,
        outcome: t.outcome,
      });
      const subject = `${c.ticketNo}/${pkg.sittingId}`;
      const out = events.get(`transfer.out:${t.transferId}`);
      if (!out || out.subject !== subject || record(out.data).fromRoomId !== t.fromRoomId) {
        problems.push(
          `Transfer ${t.transferId} of ${c.ticketNo} out of ${t.fromRoomId} has no matching audit event.`,
        );
      }
      if (t.state === 'in') {
        const taken = events.get(`transfer.in:${t.transferId}`);
        if (!taken || taken.subject !== subject || record(taken.data).toRoomId !== t.toRoomId) {
          problems.push(
            `Transfer ${t.transferId} of ${c.ticketNo} into ${t.toRoomId} has no matching audit event.`,
          );
        }
        if (c.roomId !== t.toRoomId) {
          problems.push(
            `${c.ticketNo} was taken in by ${t.toRoomId} but the package places their answers in ${c.roomId}.`,
          );
        }
      }
      if (t.state === 'resolved') {
        const resolved = events.get(`transfer.resolved:${t.transferId}`);
        if (!resolved || resolved.subject !== subject || record(resolved.data).outcome !== t.outcome) {
          problems.push(
            `Transfer ${t.transferId} of ${c.ticketNo} was resolved without a matching audit event.`,
          );
        }
      }
      if (t.state === 'out' && pkg.finality.kind === 'final') {
        problems.push(`Transfer ${t.transferId} of ${c.ticketNo} is still open in a final package.`);
      }
    }
  }
  for (const id of chainOuts) {
    if (!packaged.has(id))
      problems.push(`The audit chain records transfer ${id}, which the package leaves out.`);
  }
  return { transfers, problems };
}
