import { round1 } from './site.js';

/** What the server's answer pipeline reports each second (`SiteServer.answerStats`). */
interface AnswerSecond {
  saves: number;
  batches: number;
  commits: number;
  meanCommitMs: number;
  maxCommitMs: number;
  meanQueuedMs: number;
  maxQueuedMs: number;
}

interface PhaseSummary {
  medianP99: number;
  worstP99: number;
  max: number;
  busy: number;
  /**
   * Saves per commit; the time inside the writer thread's transactions (fsync included);
   * a save's time from the server's queue to its commit returning.
   */
  answers: {
    meanBatch: number;
    meanCommitMs: number;
    maxCommitMs: number;
    meanQueuedMs: number;
    maxQueuedMs: number;
  } | null;
}

/**
 * The site server's event-loop delay per phase, and its answer writer's batches, from the
 * line it logs every second.
 */
export class LoopLog {
  phase = 'idle';
  private readonly byPhase = new Map<
    string,
    {
      p99s: number[];
      max: number;
      busy: number[];
      saves: number;
      commits: number;
      commitMs: number;
      maxCommitMs: number;
      queuedMs: number;
      maxQueuedMs: number;
    }
  >();
  /** Every second's line, for the JSON: when in the run a stall happened. */
  readonly seconds: { at: number; phase: string; p99: number; max: number; answers?: AnswerSecond }[] = [];

  add(entry: Record<string, unknown>): void {
    const d = entry.loopDelayMs as { p99?: number; max?: number } | undefined;
    if (typeof d?.p99 !== 'number' || typeof d.max !== 'number') return;
    const a = entry.answers as AnswerSecond | undefined;
    this.seconds.push({
      at: Math.round(performance.now()),
      phase: this.phase,
      p99: d.p99,
      max: d.max,
      answers: a,
    });
    const p = this.byPhase.get(this.phase) ?? {
      p99s: [],
      max: 0,
      busy: [],
      saves: 0,
      commits: 0,
      commitMs: 0,
      maxCommitMs: 0,
      queuedMs: 0,
      maxQueuedMs: 0,
    };
    p.p99s.push(d.p99);
    p.max = Math.max(p.max, d.max);
    if (typeof entry.loopBusy === 'number') p.busy.push(entry.loopBusy);
    if (a && a.commits > 0) {
      p.saves += a.saves;
      p.commits += a.commits;
      p.commitMs += a.meanCommitMs * a.commits;
      p.maxCommitMs = Math.max(p.maxCommitMs, a.maxCommitMs);
      p.queuedMs += a.meanQueuedMs * a.saves;
      p.maxQueuedMs = Math.max(p.maxQueuedMs, a.maxQueuedMs);
    }
    this.byPhase.set(this.phase, p);
  }

  /** Per phase: the median and worst of the per-second p99s, the worst delay, mean busy share. */
  summary(): Record<string, PhaseSummary> {
    const out: Record<string, PhaseSummary> = {};
    for (const [name, p] of this.byPhase) {
      const sorted = p.p99s.slice().sort((a, b) => a - b);
      out[name] = {
        medianP99: sorted[Math.floor(sorted.length / 2)] ?? 0,
        worstP99: sorted[sorted.length - 1] ?? 0,
        max: p.max,
        busy: round1((p.busy.reduce((a, b) => a + b, 0) / Math.max(1, p.busy.length)) * 100),
        answers:
          p.commits > 0
            ? {
                meanBatch: round1(p.saves / p.commits),
                meanCommitMs: round1(p.commitMs / p.commits),
                maxCommitMs: round1(p.maxCommitMs),
                meanQueuedMs: round1(p.queuedMs / Math.max(1, p.saves)),
                maxQueuedMs: round1(p.maxQueuedMs),
              }
            : null,
      };
    }
    return out;
  }
}
