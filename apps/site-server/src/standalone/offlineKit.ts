import { timingFor } from '@exam/domain';
import { ERROR_CODES, ProtocolError, type StandaloneOfflineKit } from '@exam/protocol';
import { idCheckHash } from '@exam/standalone';
import { listRoomCandidates } from '../candidates/candidateSittingsTable.js';
import { getCandidate, getCandidatePhoto } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getPaperProof } from '../sittings/paperProofsTable.js';
import { listRoomSittings } from '../sittings/roomSittingsTable.js';
import { getSitting } from '../sittings/sittingsTable.js';
import { idCheckSaltOf } from './standaloneIdChecksTable.js';
import { standaloneMachines } from './standaloneViews.js';

/**
 * What a console of this room holds ahead of time to build a standalone package from its
 * replica when the site server is down (decision 0017, amendment): for each sitting of the
 * room not yet ended, the sealed paper and its centre proof (harmless without the key) and,
 * once the room's sitting has started, the sitting key (the console keeps it in memory only);
 * for each candidate an ID check keyed by a salt fixed here, never the ID number; the site's
 * approved machines; whom answer files are encrypted for. Sent only over the proctor's
 * signed-in connection, to its own room.
 */
export function standaloneOfflineKit(ctx: SiteContext, roomId: string): StandaloneOfflineKit {
  const siteId = getMeta(ctx.db, 'siteId');
  const centreCertPem = getMeta(ctx.db, 'centreCertPem');
  if (!siteId || !centreCertPem)
    throw new ProtocolError(ERROR_CODES.NOT_READY, 'No exam data has been imported.');
  const kit: StandaloneOfflineKit = {
    siteId,
    siteCertPem: ctx.identity.certPem,
    centreCertPem,
    sittings: [],
    candidates: [],
    machines: standaloneMachines(ctx).machines,
  };
  // The salts are made on first use: one short write transaction for the whole room.
  writeTransaction(ctx.db, () => {
    for (const rs of listRoomSittings(ctx.db, roomId)) {
      if (rs.ended_at !== null) continue;
      const sitting = getSitting(ctx.db, rs.sitting_id);
      const proof = getPaperProof(ctx.db, rs.sitting_id);
      // Without the centre's proof no machine opens the paper: nothing to build from.
      if (!sitting || !proof) continue;
      const started = rs.started_at !== null && ctx.papers.hasKey(rs.sitting_id);
      const earliest = timingFor(sitting.level, rs.started_at ?? 0, 0).earliestHandInBeforeEndMs;
      kit.sittings.push({
        sittingId: rs.sitting_id,
        title: sitting.subject_name,
        subject: sitting.subject_code,
        earliestHandInRemainingMs: earliest > 0 ? earliest : null,
        sealedPaper: sitting.sealed_paper,
        proof,
        sittingKey: started ? ctx.papers.key(rs.sitting_id).toString('base64') : null,
      });
      for (const c of listRoomCandidates(ctx.db, roomId, rs.sitting_id)) {
        const candidate = getCandidate(ctx.db, c.ticket_no);
        if (!candidate) continue;
        const salt = idCheckSaltOf(ctx.db, c.ticket_no, rs.sitting_id);
        const photo = getCandidatePhoto(ctx.db, c.ticket_no);
        kit.candidates.push({
          ticketNo: c.ticket_no,
          sittingId: rs.sitting_id,
          name: candidate.name,
          photo: photo ? `data:image/png;base64,${photo}` : null,
          idCheck: { salt, hash: idCheckHash(salt, candidate.id_number) },
        });
      }
    }
  });
  return kit;
}
