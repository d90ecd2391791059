import { basename } from 'node:path';
import type { AnswerPackageFile, SiteStatus, SittingStatus } from '@exam/protocol';
import { countChanges } from '../answers/answersTable.js';
import { countCandidates } from '../candidates/candidatesTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { listRoomSittingsOf, type RoomSittingRow } from '../sittings/roomSittingsTable.js';
import { listSittingMetas } from '../sittings/sittingsTable.js';
import { type AnswerPackageRecord, listAnswerPackages } from './answerPackagesTable.js';

function phase(rs: RoomSittingRow): SittingStatus['roomsNotEnded'][number]['phase'] {
  if (rs.started_at !== null) return 'running';
  return rs.login_opened_at !== null ? 'login-open' : 'scheduled';
}

function asFile(p: AnswerPackageRecord): AnswerPackageFile {
  return {
    file: basename(p.path),
    path: p.path,
    finality: p.finality,
    roomsNotEnded: p.roomsNotEnded,
    sha256: p.sha256,
    exportedAt: p.exportedAt,
  };
}

/**
 * The site admin's status: per sitting, the rooms that have not ended (a room that never
 * ends holds back the final package, and nothing else would say so) and every package
 * written, final or interim.
 */
export function siteStatus(ctx: SiteContext): SiteStatus {
  const packages = listAnswerPackages(ctx.db);
  return {
    examId: getMeta(ctx.db, 'examId') ?? null,
    candidates: countCandidates(ctx.db),
    answerChanges: countChanges(ctx.db),
    sittings: listSittingMetas(ctx.db).map((s) => {
      const own = packages.filter((p) => p.sittingId === s.sitting_id).map(asFile);
      return {
        sittingId: s.sitting_id,
        subjectName: s.subject_name,
        scheduledStart: s.scheduled_start,
        roomsNotEnded: listRoomSittingsOf(ctx.db, s.sitting_id)
          .filter((rs) => rs.ended_at === null)
          .sort((a, b) => (a.room_id < b.room_id ? -1 : 1))
          .map((rs) => ({ roomId: rs.room_id, phase: phase(rs) })),
        finalPackage: own.findLast((p) => p.finality === 'final') ?? null,
        packages: own,
      };
    }),
  };
}
