import type { StandaloneList, StandaloneMachines } from '@exam/protocol';
import { getCandidate } from '../candidates/candidatesTable.js';
import type { SiteContext } from '../site/context.js';
import { listApprovedMachines } from './standaloneMachinesTable.js';
import { listRoomStandalonePackages, onlineChangesAfterExport } from './standalonePackagesTable.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The room's standalone packages, newest last, whatever their state. */
export function standaloneList(ctx: SiteContext, roomId: string): StandaloneList {
  return {
    packages: listRoomStandalonePackages(ctx.db, roomId).map((p) => ({
      packageId: p.package_id,
      ticketNo: p.ticket_no,
      sittingId: p.sitting_id,
      name: getCandidate(ctx.db, p.ticket_no)?.name ?? '',
      targetMachineFingerprint: p.target_machine_fingerprint,
      state: p.state,
      exportedAt: iso(p.exported_at),
      consentBy: p.consent_by,
      reason: p.reason,
      collectedAt: p.collected_at === null ? null : iso(p.collected_at),
      collectedChanges: p.collected_changes,
      lastFileSeq: p.last_file_seq,
      builtBy: p.built_by,
      onlineChangesAfterExport: p.state === 'exported' ? onlineChangesAfterExport(ctx.db, p) : 0,
    })),
  };
}

/**
 * The machines a package may be made for: every test machine a proctor of this site approved
 * and no later approval retired, in any room (the candidate may continue on a spare machine
 * elsewhere). `busy`: a candidate's session is on it now.
 */
export function standaloneMachines(ctx: SiteContext): StandaloneMachines {
  return {
    machines: listApprovedMachines(ctx.db).map((m) => ({
      fingerprint: m.fingerprint,
      machineId: m.fingerprint.slice(0, 12),
      roomId: m.room_id,
      seatNo: String(m.seat_no),
      busy: m.busy === 1,
    })),
  };
}
