import { describe, expect, it } from 'vitest';
import { type EndCheckCandidate, endChecklistItems } from './index.js';

const c = (ticketNo: string, over: Partial<EndCheckCandidate>): EndCheckCandidate => ({
  ticketNo,
  status: 'not-started',
  onMachine: false,
  timeUp: false,
  ...over,
});

describe('end checklist', () => {
  it('is ready when everyone handed in, is absent, is out of time or never came', () => {
    const r = endChecklistItems({
      started: true,
      candidates: [
        c('1', { status: 'handed-in' }),
        c('2', { status: 'absent' }),
        c('3', { status: 'answering', onMachine: true, timeUp: true }),
        c('4', {}),
        c('5', {}),
      ],
      unsyncedHandedIn: [],
    });
    expect(r.ready).toBe(true);
    expect(r.items.map((i) => i.key)).toEqual([
      'all-accounted',
      'answers-synced',
      'standalone-collected',
      'transfers-resolved',
    ]);
    // The two who never logged in will be recorded absent.
    expect(r.items[0]).toMatchObject({ ok: true, count: 2, tickets: [] });
  });

  it('names those still answering, and those logged in waiting once the sitting has started', () => {
    const candidates = [
      c('1', { status: 'answering', onMachine: true }),
      c('2', { onMachine: true }),
      c('3', { status: 'handed-in' }),
    ];
    const started = endChecklistItems({ started: true, candidates, unsyncedHandedIn: [] });
    expect(started.ready).toBe(false);
    expect(started.items[0]).toMatchObject({ ok: false, count: 2, tickets: ['1', '2'] });
    const notStarted = endChecklistItems({ started: false, candidates, unsyncedHandedIn: [] });
    expect(notStarted.items[0]).toMatchObject({ ok: false, count: 1, tickets: ['1'] });
  });

  it('is not ready while a handed-in answer set is missing changes on the server', () => {
    const r = endChecklistItems({
      started: true,
      candidates: [c('1', { status: 'handed-in' })],
      unsyncedHandedIn: ['1'],
    });
    expect(r.ready).toBe(false);
    expect(r.items[1]).toMatchObject({ key: 'answers-synced', ok: false, count: 1, tickets: ['1'] });
  });

  it('is not ready while a standalone package is out, and names whose', () => {
    const r = endChecklistItems({
      started: true,
      candidates: [c('1', { status: 'answering', onMachine: false, timeUp: true })],
      unsyncedHandedIn: [],
      standaloneExported: ['1'],
    });
    expect(r.ready).toBe(false);
    expect(r.items[2]).toMatchObject({ key: 'standalone-collected', ok: false, count: 1, tickets: ['1'] });
    const none = endChecklistItems({
      started: true,
      candidates: [],
      unsyncedHandedIn: [],
      standaloneExported: [],
    });
    expect(none.items[2]).toMatchObject({ key: 'standalone-collected', ok: true, count: 0 });
  });
});

describe('end checklist: transfers (issue 19)', () => {
  it('is not ready while a transfer out of the room is open, and names whose', () => {
    const r = endChecklistItems({
      started: true,
      candidates: [],
      unsyncedHandedIn: [],
      openTransfersOut: ['21040010000131'],
    });
    expect(r.ready).toBe(false);
    expect(r.items[3]).toMatchObject({
      key: 'transfers-resolved',
      ok: false,
      count: 1,
      tickets: ['21040010000131'],
    });
    expect(r.items[3]!.detail).toContain('21040010000131');
  });
});
