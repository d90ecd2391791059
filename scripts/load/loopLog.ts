import { round1 } from './site.js';

/** The site server's event-loop delay per phase, from the line it logs every second. */
export class LoopLog {
  phase = 'idle';
  private readonly byPhase = new Map<string, { p99s: number[]; max: number; busy: number[] }>();
  /** Every second's line, for the JSON: when in the run a stall happened. */
  readonly seconds: { at: number; phase: string; p99: number; max: number }[] = [];

  add(entry: Record<string, unknown>): void {
    const d = entry.loopDelayMs as { p99?: number; max?: number } | undefined;
    if (typeof d?.p99 !== 'number' || typeof d.max !== 'number') return;
    this.seconds.push({ at: Math.round(performance.now()), phase: this.phase, p99: d.p99, max: d.max });
    const p = this.byPhase.get(this.phase) ?? { p99s: [], max: 0, busy: [] };
    p.p99s.push(d.p99);
    p.max = Math.max(p.max, d.max);
    if (typeof entry.loopBusy === 'number') p.busy.push(entry.loopBusy);
    this.byPhase.set(this.phase, p);
  }

  /** Per phase: the median and worst of the per-second p99s, the worst delay, mean busy share. */
  summary(): Record<string, { medianP99: number; worstP99: number; max: number; busy: number }> {
    const out: Record<string, { medianP99: number; worstP99: number; max: number; busy: number }> = {};
    for (const [name, p] of this.byPhase) {
      const sorted = p.p99s.slice().sort((a, b) => a - b);
      out[name] = {
        medianP99: sorted[Math.floor(sorted.length / 2)] ?? 0,
        worstP99: sorted[sorted.length - 1] ?? 0,
        max: p.max,
        busy: round1((p.busy.reduce((a, b) => a + b, 0) / Math.max(1, p.busy.length)) * 100),
      };
    }
    return out;
  }
}
