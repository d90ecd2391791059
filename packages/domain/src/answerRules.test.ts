import { describe, expect, it } from 'vitest';
import { ANSWER_CLOCK_SKEW_MS, judgeChangeTime } from './answerRules.js';

const end = 1_000_000;
const facts = { endsAt: end, handedInAt: null, lastDownAt: null, stillDown: false };

describe('judgeChangeTime', () => {
  it('keeps a change made and received in time, and one still on the wire within the skew', () => {
    expect(judgeChangeTime({ ...facts, madeAt: end - 10, receivedAt: end - 5 })).toEqual({
      ok: true,
      lateArrival: false,
    });
    expect(judgeChangeTime({ ...facts, madeAt: end - 10, receivedAt: end + ANSWER_CLOCK_SKEW_MS })).toEqual({
      ok: true,
      lateArrival: false,
    });
  });

  it('refuses a change stamped after the end and skew, however it arrives', () => {
    const madeAt = end + ANSWER_CLOCK_SKEW_MS + 1;
    expect(judgeChangeTime({ ...facts, madeAt, receivedAt: madeAt, lastDownAt: madeAt })).toEqual({
      ok: false,
      reason: 'AFTER_END',
    });
  });

  it('marks a change made in time that arrives late after the machine was lost as a late arrival', () => {
    const late = { ...facts, madeAt: end - 60_000, receivedAt: end + 600_000 };
    expect(judgeChangeTime({ ...late, lastDownAt: end - 30_000 })).toEqual({ ok: true, lateArrival: true });
    // Connected all along (or lost only before the change was made): it had its chance.
    expect(judgeChangeTime(late)).toEqual({ ok: false, reason: 'AFTER_END' });
    expect(judgeChangeTime({ ...late, lastDownAt: end - 90_000 })).toEqual({
      ok: false,
      reason: 'AFTER_END',
    });
    // Lost before the change and not back since: made offline, kept.
    expect(judgeChangeTime({ ...late, lastDownAt: end - 90_000, stillDown: true })).toEqual({
      ok: true,
      lateArrival: true,
    });
  });

  it('holds a manual hand-in to the millisecond: nothing made after it, nothing new from a connected machine', () => {
    const h = { ...facts, handedInAt: end - 600_000 };
    expect(judgeChangeTime({ ...h, madeAt: end - 599_999, receivedAt: end - 599_000 })).toEqual({
      ok: false,
      reason: 'HANDED_IN',
    });
    expect(judgeChangeTime({ ...h, madeAt: end - 700_000, receivedAt: end - 599_000 })).toEqual({
      ok: false,
      reason: 'HANDED_IN',
    });
    // Received in the very millisecond of the hand-in, yet applied after it.
    expect(judgeChangeTime({ ...h, madeAt: end - 700_000, receivedAt: end - 600_000 })).toEqual({
      ok: false,
      reason: 'HANDED_IN',
    });
    expect(
      judgeChangeTime({ ...h, madeAt: end - 700_000, receivedAt: end - 599_000, lastDownAt: end - 650_000 }),
    ).toEqual({ ok: true, lateArrival: true });
  });
});
