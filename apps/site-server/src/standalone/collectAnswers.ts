import { machineFingerprint } from '@exam/crypto';
import { ANSWER_CLOCK_SKEW_MS } from '@exam/domain';
import {
  type AnswerChangeRecord,
  ERROR_CODES,
  isAnswered,
  ProtocolError,
  type StandaloneAnswerFile,
  type StandaloneCollectResult,
} from '@exam/protocol';
import { openStandaloneAnswerFile, StandaloneError } from '@exam/standalone';
import {
  contiguousFrom,
  currentAnswers,
  hasChange,
  insertChange,
  listChanges,
  markStandaloneChange,
} from '../answers/answersTable.js';
import { checkChangesFit } from '../answers/deliver.js';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { getCandidateSitting, updateSyncState } from '../candidates/candidateSittingsTable.js';
import { recordHandIn } from '../candidates/handIn.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import {
  getStandalonePackage,
  recordCollection,
  type StandalonePackageRow,
} from './standalonePackagesTable.js';

export interface Collected {
  result: StandaloneCollectResult;
  /** The changes this file stored, for the room's consoles' replicas. */
  stored: AnswerChangeRecord[];
  sittingId: string;
  handedInAt: number | null;
  handInKind: 'manual' | 'auto';
}

/** Opens the file with the site key; a file the site cannot read or trust is refused whole. */
function openFile(
  ctx: SiteContext,
  bytes: Buffer,
): { content: StandaloneAnswerFile; machinePublicKey: string } {
  try {
    return openStandaloneAnswerFile(bytes, {
      recipient: { certPem: ctx.identity.certPem, privateKeyPem: ctx.identity.privateKeyPem },
    });
  } catch (e) {
    if (!(e instanceof StandaloneError)) throw e;
    throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, `This answer file was refused: ${e.message}`, {
      reason: e.code,
    });
  }
}

/** The package the file belongs to, and that this file may be collected for it. */
function checkFile(
  ctx: SiteContext,
  roomId: string,
  content: StandaloneAnswerFile,
  machinePublicKey: string,
): StandalonePackageRow {
  const pkg = getStandalonePackage(ctx.db, content.packageId);
  if (!pkg || pkg.room_id !== roomId) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_PACKAGE,
      'This answer file belongs to no standalone package exported in this room.',
    );
  }
  if (pkg.state === 'cancelled') {
    throw new ProtocolError(
      ERROR_CODES.STANDALONE_CANCELLED,
      'This standalone package was cancelled: its answer files are not collected.',
    );
  }
  // The package went to one machine: only that machine's key may sign what comes back.
  if (
    machineFingerprint(machinePublicKey) !== pkg.target_machine_fingerprint ||
    content.machineFingerprint !== pkg.target_machine_fingerprint
  ) {
    throw new ProtocolError(
      ERROR_CODES.WRONG_MACHINE,
      'This answer file was not written by the machine the package was made for.',
    );
  }
  if (
    content.ticketNo !== pkg.ticket_no ||
    content.sittingId !== pkg.sitting_id ||
    content.siteId !== getMeta(ctx.db, 'siteId')
  ) {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      'This answer file names another candidate, sitting or site than its package.',
      { reason: 'BAD_CONTENT' },
    );
  }
  // The same file again is answered as a re-send (everything already held); an older one is a replay.
  if (content.fileSeq < pkg.last_file_seq) {
    throw new ProtocolError(
      ERROR_CODES.STALE_ANSWER_FILE,
      `A newer answer file (number ${pkg.last_file_seq}) of this package was already collected.`,
      { lastFileSeq: pkg.last_file_seq, fileSeq: content.fileSeq },
    );
  }
  return pkg;
}

/**
 * Collection (回收): an answer file from the stick is opened with the site key, checked
 * against its package (known here, not cancelled, signed by the package's target machine,
 * not older than one already collected), and its changes become the candidate's answer
 * changes by the writer's rules: a sequence already held with the same content is not stored
 * twice, one held with other content refuses the whole file (SEQ_CONFLICT, nothing stored).
 * A change's time is the export time plus its count on the machine; one counted beyond the
 * remaining time (plus the clock skew) or after the hand-in is refused and counted, not
 * stored. A hand-in record hands the candidate in, stamped likewise, and the package is
 * collected. Runs on the main connection, in one transaction.
 */
export function collectAnswerFile(ctx: SiteContext, actor: Actor, roomId: string, bytes: Buffer): Collected {
  const { content, machinePublicKey } = openFile(ctx, bytes);
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, () => {
    const pkg = checkFile(ctx, roomId, content, machinePublicKey);
    const { ticket_no: ticketNo, sitting_id: sittingId } = pkg;
    // As answer:save: nothing a paper could not hold is stored (the whole file is refused).
    checkChangesFit(ctx.papers.items(sittingId), content.changes);
    const cs = getCandidateSitting(ctx.db, ticketNo, sittingId)!;
    const limit = Math.min(
      pkg.remaining_ms + ANSWER_CLOCK_SKEW_MS,
      content.handIn ? content.handIn.elapsedMs : Number.POSITIVE_INFINITY,
    );
    const alreadyHandedIn = cs.status === 'handed-in';
    let merged = 0;
    let alreadyHeld = 0;
    const refusedAfterEnd: number[] = [];
    const storedSeqs = new Set<number>();
    let max = cs.max_seq;
    for (const c of [...content.changes].sort((a, b) => a.seq - b.seq)) {
      if (alreadyHandedIn) {
        // A file collected again after its hand-in: what is held is held, nothing new is stored.
        if (hasChange(ctx.db, ticketNo, sittingId, c.seq)) alreadyHeld++;
        else refusedAfterEnd.push(c.seq);
        continue;
      }
      if (c.elapsedMs > limit) {
        refusedAfterEnd.push(c.seq);
        continue;
      }
      const change = {
        seq: c.seq,
        itemId: c.itemId,
        value: c.value,
        flagged: c.flagged,
        madeAt: pkg.exported_at + c.elapsedMs,
      };
      const outcome = insertChange(ctx.db, ticketNo, sittingId, change, now, false);
      if (outcome === 'conflict') {
        // Thrown inside the transaction: nothing of this file is stored.
        throw new ProtocolError(
          ERROR_CODES.SEQ_CONFLICT,
          `Change ${c.seq} of this answer file differs from the one the site holds: the file is refused.`,
          { seq: c.seq },
        );
      }
      if (outcome === 'stored') {
        markStandaloneChange(ctx.db, ticketNo, sittingId, c.seq, pkg.package_id);
        storedSeqs.add(c.seq);
        merged++;
        if (c.seq > max) max = c.seq;
      } else {
        alreadyHeld++;
      }
    }
    // The count is recomputed, not moved: these changes did not pass through the writer's memory.
    const answered = currentAnswers(ctx.db, ticketNo, sittingId).filter((a) => isAnswered(a.value)).length;
    updateSyncState(
      ctx.db,
      ticketNo,
      sittingId,
      {
        ackSeq: contiguousFrom(ctx.db, ticketNo, sittingId, cs.ack_seq),
        maxSeq: max,
        answeredDelta: answered - cs.answered,
      },
      now,
    );
    const handIn = content.handIn;
    const handsIn = handIn !== null && !alreadyHandedIn;
    const handedInAt = handIn ? pkg.exported_at + Math.min(handIn.elapsedMs, pkg.remaining_ms) : null;
    const handInKind = handIn?.auto ? 'auto' : 'manual';
    if (handsIn && handedInAt !== null) recordHandIn(ctx, ticketNo, sittingId, handInKind, handedInAt);
    const collectedAt = handIn !== null ? (pkg.collected_at ?? now) : null;
    recordCollection(ctx.db, pkg.package_id, {
      fileSeq: Math.max(content.fileSeq, pkg.last_file_seq),
      merged,
      refusedAfterEnd: refusedAfterEnd.length,
      collectedAt,
    });
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'standalone.collected',
      subject: `${ticketNo}/${sittingId}`,
      data: {
        packageId: pkg.package_id,
        fileSeq: content.fileSeq,
        merged,
        alreadyHeld,
        refusedAfterEnd,
        handIn: handIn
          ? { elapsedMs: handIn.elapsedMs, auto: handIn.auto, answersHash: handIn.answersHash }
          : null,
        handedInAt: handsIn ? handedInAt : null,
        state: collectedAt !== null ? 'collected' : pkg.state,
      },
    });
    const state: 'exported' | 'collected' =
      collectedAt !== null || pkg.state === 'collected' ? 'collected' : 'exported';
    return {
      result: {
        packageId: pkg.package_id,
        ticketNo,
        merged,
        alreadyHeld,
        refusedAfterEnd: refusedAfterEnd.length,
        handedIn: alreadyHandedIn || handsIn,
        state,
      },
      stored: listChanges(ctx.db, ticketNo, sittingId).filter((c) => storedSeqs.has(c.seq)),
      sittingId,
      handedInAt: handsIn ? handedInAt : null,
      handInKind,
    };
  });
}
