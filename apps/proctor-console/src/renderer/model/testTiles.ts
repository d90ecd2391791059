import type { CandidateTile } from '@exam/protocol';

/** A tile as the server sends it, for the model tests. */
export function tileOf(over: Partial<CandidateTile> = {}): CandidateTile {
  const ticketNo = over.ticketNo ?? '210400100001';
  return {
    ticketNo,
    ticketTail: ticketNo.slice(-3),
    name: '张三',
    seatNo: 1,
    sittingId: 'S-J-ECON',
    status: 'answering',
    online: true,
    answered: 3,
    total: 10,
    ackSeq: 3,
    lastSyncAt: 1_000_000,
    endsAt: 1_000_000 + 90 * 60_000,
    handedInAt: null,
    extensionMs: 0,
    suggestedExtensionMs: 0,
    resetPending: false,
    violations: 0,
    ...over,
  };
}
