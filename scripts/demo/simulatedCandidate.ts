import type { CandidateCore } from '@exam/candidate-client/core';
import type { AnswerValue, Item, Paper } from '@exam/protocol';

const MIN = 60_000;

/** A deterministic PRNG (mulberry32), so a demo run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PHRASES = [
  '首先，应当明确企业的战略目标，',
  '从市场需求和竞争格局两个方面进行分析，',
  '其次，需要评估内部资源与核心能力，',
  '建议采用差异化战略，突出产品质量和服务，',
  '同时建立风险预警机制，控制财务风险，',
  '在组织结构上实行扁平化管理，提高决策效率，',
  '最后，通过绩效考核确保措施落实到位。',
];

interface Action {
  at: number;
  itemId: string;
  value: AnswerValue;
  flagged: boolean;
}

/**
 * What one simulated candidate does in a sitting: answers every item at a random moment,
 * revisits some, flags a few, types long answers in several bursts, and either hands in
 * after the earliest hand-in time or lets the clock hand in for them.
 */
export class SimulatedCandidate {
  private actions: Action[] = [];
  private handInAt: number | null = null;
  private handingIn = false;

  constructor(
    readonly core: CandidateCore,
    private readonly seed: number,
  ) {}

  plan(paper: Paper, startedAt: number, endsAt: number, earliestHandInAt: number): void {
    const rnd = prng(this.seed);
    const answerWindow = earliestHandInAt - startedAt;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const actions: Action[] = [];
    for (const item of paper.items) {
      const at = startedAt + 2 * MIN + rnd() * (answerWindow - 4 * MIN);
      const flagged = rnd() < 0.05;
      if (item.kind === 'text') {
        let text = '';
        const bursts = 3 + Math.floor(rnd() * 4);
        for (let b = 0; b < bursts; b++) {
          text += pick(PHRASES);
          actions.push({
            at: at + b * 3 * MIN,
            itemId: item.id,
            value: text.slice(0, item.maxChars),
            flagged,
          });
        }
        continue;
      }
      actions.push({ at, itemId: item.id, value: valueFor(item, rnd), flagged });
      if (rnd() < 0.1)
        actions.push({ at: at + 5 * MIN, itemId: item.id, value: valueFor(item, rnd), flagged: false });
    }
    this.actions = actions.sort((a, b) => a.at - b.at);
    // Half hand in early, the rest are handed in automatically at the end.
    this.handInAt = rnd() < 0.5 ? earliestHandInAt + rnd() * (endsAt - earliestHandInAt - 2 * MIN) : null;
  }

  /** Performs whatever is due at server time `now`. */
  step(now: number): void {
    const st = this.core.status();
    if (st.phase !== 'answering') return;
    while (this.actions.length > 0 && this.actions[0]!.at <= now) {
      const a = this.actions.shift()!;
      this.core.saveAnswer(a.itemId, a.value, a.flagged);
    }
    if (this.handInAt !== null && now >= this.handInAt && !this.handingIn && st.connected) {
      this.handingIn = true;
      this.core.handIn().catch(() => {
        this.handingIn = false;
      });
    }
  }
}

function valueFor(item: Item, rnd: () => number): AnswerValue {
  switch (item.kind) {
    case 'single':
      return item.options[Math.floor(rnd() * item.options.length)]!.key;
    case 'multiple': {
      const keys = item.options.map((o) => o.key).filter(() => rnd() < 0.5);
      return keys.length > 0 ? keys : [item.options[0]!.key, item.options[1]!.key];
    }
    case 'truefalse':
      return rnd() < 0.5;
    case 'text':
      return PHRASES[0]!;
  }
}
