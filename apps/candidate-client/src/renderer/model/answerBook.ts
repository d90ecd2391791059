import type { AnswerValue } from '@exam/protocol';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { BridgeError } from '../../shared/result.js';
import type { AnswerEntry } from '../../shared/state.js';

export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * The renderer's copy of the answers: updated at once for the screen, saved through the
 * bridge in call order (the host journals each before it replies).
 */
export class AnswerBook {
  private readonly entries = new Map<string, AnswerEntry>();
  private version = 0;

  constructor(
    private readonly bridge: Pick<CandidateBridge, 'saveAnswer'>,
    initial: AnswerEntry[],
    private readonly onChange: () => void,
    private readonly onError: (error: BridgeError) => void,
  ) {
    for (const e of initial) this.entries.set(e.itemId, e);
  }

  /** Bumped on every change, so memoised views can tell. */
  get revision(): number {
    return this.version;
  }

  get(itemId: string): AnswerEntry | undefined {
    return this.entries.get(itemId);
  }

  answered(itemId: string): boolean {
    return isAnswered(this.entries.get(itemId)?.value);
  }

  flagged(itemId: string): boolean {
    return this.entries.get(itemId)?.flagged ?? false;
  }

  setValue(itemId: string, value: AnswerValue): Promise<void> {
    return this.save(itemId, value, this.flagged(itemId));
  }

  toggleFlag(itemId: string): Promise<void> {
    return this.save(itemId, this.entries.get(itemId)?.value ?? null, !this.flagged(itemId));
  }

  private async save(itemId: string, value: AnswerValue, flagged: boolean): Promise<void> {
    const prev = this.entries.get(itemId);
    if (prev && prev.flagged === flagged && JSON.stringify(prev.value) === JSON.stringify(value)) return;
    this.entries.set(itemId, { itemId, value, flagged });
    this.version++;
    this.onChange();
    const result = await this.bridge.saveAnswer(itemId, value, flagged);
    if (!result.ok) this.onError(result.error);
  }
}
