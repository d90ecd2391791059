import { type Level, RULES, SITTING_RULES } from './rules.js';

/** A sitting as the exam data schedules it. */
export interface ScheduledSitting {
  sittingId: string;
  level: Level;
  scheduledStart: number;
}

export interface SittingGapConflict {
  earlier: ScheduledSitting;
  later: ScheduledSitting;
  /** From the scheduled end of the earlier (its level's duration) to the start of the later. */
  gapMs: number;
}

/**
 * The gap is measured end-to-start: the notice's junior batch runs 08:30–10:00 and its second
 * subject starts at 10:40, which is the 40 minutes of `RULES.gapBetweenSittingsMs` (start-to-
 * start would be 130). Returns the first pair of one candidate's sittings that is closer than
 * that (overlapping ones included), or null. Checking neighbours in start order is enough:
 * when each sitting is far enough after the one before, it is after every earlier one too.
 */
export function sittingGapConflict(sittings: readonly ScheduledSitting[]): SittingGapConflict | null {
  const ordered = [...sittings].sort((a, b) => a.scheduledStart - b.scheduledStart);
  for (let i = 1; i < ordered.length; i++) {
    const earlier = ordered[i - 1]!;
    const later = ordered[i]!;
    const gapMs = later.scheduledStart - (earlier.scheduledStart + SITTING_RULES[earlier.level].durationMs);
    if (gapMs < RULES.gapBetweenSittingsMs) return { earlier, later, gapMs };
  }
  return null;
}
