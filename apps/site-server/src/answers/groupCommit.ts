import type { Db } from '../db/open.js';
import { applyChange, contiguousFrom, type NewChange } from '../db/tables/answers.js';
import { getCandidateSitting, updateSyncState } from '../db/tables/candidateSittings.js';

export interface SaveRequest {
  roomId: string;
  ticketNo: string;
  sittingId: string;
  changes: NewChange[];
}

export interface SaveOutcome {
  ackSeq: number;
  afterHandIn: boolean;
}

interface Pending {
  req: SaveRequest;
  resolve: (o: SaveOutcome) => void;
  reject: (e: unknown) => void;
}

/** The highest n such that from+1..n are all among `changes`. */
function contiguousAmong(changes: readonly NewChange[], from: number): number {
  const seqs = new Set(changes.map((c) => c.seq));
  let ack = from;
  while (seqs.has(ack + 1)) ack++;
  return ack;
}

/**
 * Group commit (ARCHITECTURE §9): saves arriving within `windowMs` share one
 * synchronous=FULL transaction, so one fsync covers many answers. Each save is resolved
 * (and so acknowledged) only after that commit returns.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  batches = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly windowMs = 2,
    private readonly maxBatch = 2000,
    private readonly onCommitted: (reqs: SaveRequest[], committedAt: number) => void = () => {},
  ) {}

  save(req: SaveRequest): Promise<SaveOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Commits everything queued now; hand-in and shutdown call it so nothing is left behind. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const at = this.now();
    let outcomes: SaveOutcome[];
    try {
      outcomes = this.db.transaction(() => batch.map((p) => this.apply(p.req, at)))();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    this.batches++;
    for (const [i, p] of batch.entries()) p.resolve(outcomes[i]!);
    this.onCommitted(
      batch.map((p) => p.req),
      at,
    );
  }

  get pending(): number {
    return this.queue.length;
  }

  private apply(req: SaveRequest, at: number): SaveOutcome {
    const cs = getCandidateSitting(this.db, req.ticketNo, req.sittingId);
    if (!cs) throw new Error(`no candidate sitting ${req.ticketNo}/${req.sittingId}`);
    const afterHandIn = cs.status === 'handed-in';
    let max = cs.max_seq;
    for (const c of req.changes) {
      applyChange(this.db, req.ticketNo, req.sittingId, c, at, afterHandIn);
      if (c.seq > max) max = c.seq;
    }
    // The usual save: nothing was stored above the acknowledgement, so what is stored above
    // it now is exactly this request's changes, and the new acknowledgement follows from
    // them without reading the rows back.
    const ackSeq =
      cs.max_seq <= cs.ack_seq
        ? contiguousAmong(req.changes, cs.ack_seq)
        : contiguousFrom(this.db, req.ticketNo, req.sittingId, cs.ack_seq);
    updateSyncState(this.db, req.ticketNo, req.sittingId, ackSeq, max, at);
    return { ackSeq, afterHandIn };
  }
}
