import { ANSWER_SEQ_WINDOW } from '@exam/domain';
import { type AnswerChange, ERROR_CODES, ProtocolError } from '@exam/protocol';
import {
  type CandidateConnection,
  handleCandidate,
  requireMachine,
  requireSession,
} from '../sockets/candidateSocket.js';
import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import type { SaveRefusal } from './commitSaves.js';
import { checkChangesFit, deliveryTarget, type SaveTarget } from './deliver.js';
import type { GroupCommitter } from './groupCommit.js';
import { replicaChangesSince } from './replica.js';
import type { StartedSittings } from './startedSittings.js';

/**
 * Saves one connection may have waiting for their commit. The candidate client sends one at
 * a time (its journal is the queue), so only a broken or hostile machine reaches this; past
 * it, saves are refused at once rather than held in the server's memory.
 */
export const MAX_SAVES_IN_FLIGHT = 32;

/** What a refused save is told; nothing of it was stored (issue 16). */
const REFUSAL_MESSAGES: Record<SaveRefusal, string> = {
  SEQ_OUT_OF_WINDOW: `A sequence number runs more than ${ANSWER_SEQ_WINDOW} ahead of what is stored.`,
  SEQ_CONFLICT: 'A sequence number is already stored with a different change.',
  AFTER_END: "The change was made, or sent from a connected machine, after the candidate's end.",
  HANDED_IN: 'The change was made, or sent from a connected machine, after the hand-in.',
};

/** answer:save and answer:deliver, which share the per-connection limit and the committer. */
export function answerHandlers(
  { ctx, socket, log }: CandidateConnection,
  committer: GroupCommitter,
  started: StartedSittings,
): void {
  let savesInFlight = 0;

  const commit = async (target: SaveTarget, changes: AnswerChange[]) => {
    if (savesInFlight >= MAX_SAVES_IN_FLIGHT) {
      throw new ProtocolError(
        ERROR_CODES.RATE_LIMITED,
        `More than ${MAX_SAVES_IN_FLIGHT} saves from this machine await their acknowledgement.`,
      );
    }
    savesInFlight++;
    try {
      // Resolves only after the batch's fsync'd commit: the acknowledgement follows it.
      const outcome = await committer.save({ ...target, changes });
      if (outcome.refused) {
        throw new ProtocolError(ERROR_CODES[outcome.refused], REFUSAL_MESSAGES[outcome.refused], {
          ackSeq: outcome.ackSeq,
        });
      }
      return { ackSeq: outcome.ackSeq };
    } finally {
      savesInFlight--;
    }
  };

  handleCandidate(socket, 'answer:save', log, async (p) => {
    const s = requireSession(socket, p.sittingId);
    if (!started.has(s.roomId, s.sittingId))
      throw new ProtocolError(ERROR_CODES.SITTING_NOT_STARTED, 'The sitting has not started.');
    checkChangesFit(ctx.papers.items(s.sittingId), p.changes);
    return commit({ roomId: s.roomId, ticketNo: s.ticketNo, sittingId: s.sittingId }, p.changes);
  });

  // A previous sitting's leftovers, after this machine moved on to the next login.
  handleCandidate(socket, 'answer:deliver', log, (p) => {
    const target = deliveryTarget(ctx, requireMachine(socket), p, (roomId, sittingId) =>
      started.has(roomId, sittingId),
    );
    checkChangesFit(ctx.papers.items(target.sittingId), p.changes);
    return commit(target, p.changes);
  });
}

/** replica:pull: the console's copy of its room's answers. */
export function answerProctorHandlers({ ctx, socket, log, roomId }: ProctorConnection): void {
  handleProctor(socket, 'replica:pull', log, (p) => ({
    changes: replicaChangesSince(ctx, roomId, p.sittingId, p.have),
  }));
}
