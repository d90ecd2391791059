import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../shared/api.js';
import { detailHistory } from './detailHistory.js';

const line = (id: number, at: number, kind: HistoryEntry['kind']): HistoryEntry => ({
  id,
  at,
  ticketNo: 'T1',
  sittingId: 'S',
  kind,
  params: {},
});

describe('detailHistory', () => {
  it('shows the audit trail with the console’s connectivity lines, newest first', () => {
    const audit = [line(-1, 10, 'login'), line(-2, 30, 'reset')];
    const local = [line(1, 20, 'offline'), line(2, 30, 'reset'), line(3, 40, 'online')];
    expect(detailHistory(audit, local).map((h) => h.id)).toEqual([3, -2, 1, -1]);
  });

  it('falls back to what the console saw when the audit trail could not be read', () => {
    const local = [line(1, 20, 'offline'), line(2, 30, 'reset')];
    expect(detailHistory(null, local).map((h) => h.id)).toEqual([2, 1]);
  });
});
