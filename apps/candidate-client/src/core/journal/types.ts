import type { AnswerChange, CandidateProfile, PaperProof, SittingView } from '@exam/protocol';

/**
 * Whose answers: a candidate in a sitting. The ticket is part of the key because after a
 * proctor's reset one machine can hold two candidates' changes for the same sitting.
 */
export interface SittingRef {
  ticketNo: string;
  sittingId: string;
}

/** One answer change as journalled on this machine: the change, whose, and whether the server has it. */
export interface JournalChange extends AnswerChange, SittingRef {
  /** True only once the server acknowledged it (or said it holds it, after a reset). */
  acked: boolean;
}

/** The latest value and flag of one item, as this machine knows it. */
export type CurrentAnswer = Pick<JournalChange, 'itemId' | 'value' | 'flagged' | 'seq' | 'acked'>;

/** What a restart needs to resume. Never holds the sitting key (ARCHITECTURE §3). */
export interface StoredSession {
  serverUrl: string;
  sessionToken: string;
  ticketNo: string;
  sittingId: string;
  profile: CandidateProfile;
  /** The last view the server sent, so a restarted client can show it before reconnecting. */
  sitting: SittingView;
  sealedPaper: string;
  /** The centre's signature over the paper; null for a session stored before papers were signed. */
  paperProof: PaperProof | null;
}

/**
 * A session this machine moved on from (hand-in or the sitting's end, then the next login)
 * while some of its changes were unacknowledged: enough to deliver them (answer:deliver).
 */
export interface RetiredSession extends SittingRef {
  sessionToken: string;
  serverUrl: string;
  /** Server-clock estimate when the machine moved on; orders the deliveries. */
  retiredAt: number;
}
