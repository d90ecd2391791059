import { CONSEQUENCE_ZH, VIOLATION_CATEGORIES, type ViolationCategory } from '@exam/domain';
import { ERROR_CODES, ProtocolError, type TransferView } from '@exam/protocol';
import { listRoomCandidates } from '../candidates/candidateSittingsTable.js';
import { recentRoomAlerts } from '../machines/clientAlertsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { getSitting } from '../sittings/sittingsTable.js';
import {
  listRoomStandalonePackages,
  type StandalonePackageRow,
} from '../standalone/standalonePackagesTable.js';
import { transferView } from '../transfers/transfers.js';
import { listSittingTransfers } from '../transfers/transfersTable.js';
import { type ExtensionRow, listRoomExtensions } from './extensionsTable.js';
import { listRoomResets, type ResetRow } from './resetsTable.js';
import { getRoom } from './roomsTable.js';
import { listRoomViolations, type ViolationRow } from './violationsTable.js';

/** Everything the room report (考场情况记录单) prints, gathered from the site database. */
export interface RoomReportData {
  examName: string;
  siteName: string;
  roomName: string;
  subjectName: string;
  sittingId: string;
  scheduledStart: number;
  startedAt: number | null;
  startAuthority: string | null;
  startReason: string | null;
  startCode: string | null;
  endedAt: number | null;
  expected: number;
  present: number;
  absent: { ticketNo: string; name: string }[];
  handedIn: number;
  autoHandedIn: number;
  resets: (ResetRow & { name: string })[];
  extensions: (ExtensionRow & { name: string })[];
  violations: (ViolationRow & { name: string; categoryZh: string; consequenceZh: string })[];
  alerts: { kind: string; count: number }[];
  /** Standalone cases (issue 17): who consented, when, which machine, what came home. */
  standalone: (StandalonePackageRow & { name: string })[];
  /** Transfers out of and into this room (overbooking, issue 19). */
  transfers: TransferView[];
}

export function roomReportData(ctx: SiteContext, roomId: string, sittingId: string): RoomReportData {
  const room = getRoom(ctx.db, roomId);
  const sitting = getSitting(ctx.db, sittingId);
  const rs = getRoomSitting(ctx.db, roomId, sittingId);
  if (!room || !sitting || !rs) {
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Room ${roomId} has no sitting ${sittingId}.`);
  }
  if (rs.ended_at === null) {
    throw new ProtocolError(ERROR_CODES.NOT_ALLOWED_NOW, 'The room report is printed after the end command.');
  }
  const candidates = listRoomCandidates(ctx.db, roomId, sittingId);
  const names = new Map(candidates.map((c) => [c.ticket_no, c.name]));
  const name = (t: string) => names.get(t) ?? '';
  const alertCounts = new Map<string, number>();
  for (const a of recentRoomAlerts(ctx.db, roomId, 10_000)) {
    if (rs.started_at !== null && a.at >= rs.started_at && a.at <= rs.ended_at) {
      alertCounts.set(a.kind, (alertCounts.get(a.kind) ?? 0) + 1);
    }
  }
  return {
    examName: getMeta(ctx.db, 'examName') ?? '',
    siteName: getMeta(ctx.db, 'siteName') ?? '',
    roomName: room.name,
    subjectName: sitting.subject_name,
    sittingId,
    scheduledStart: sitting.scheduled_start,
    startedAt: rs.started_at,
    startAuthority: rs.start_authority,
    startReason: rs.start_reason,
    startCode: rs.start_code,
    endedAt: rs.ended_at,
    expected: candidates.length,
    present: candidates.filter((c) => c.logged_in_at !== null).length,
    absent: candidates
      .filter((c) => c.status === 'absent')
      .map((c) => ({ ticketNo: c.ticket_no, name: c.name })),
    handedIn: candidates.filter((c) => c.status === 'handed-in').length,
    autoHandedIn: candidates.filter((c) => c.hand_in_kind === 'auto').length,
    resets: listRoomResets(ctx.db, roomId, sittingId).map((r) => ({
      ...r,
      name: name(r.ticket_no),
    })),
    extensions: listRoomExtensions(ctx.db, roomId, sittingId).map((r) => ({
      ...r,
      name: name(r.ticket_no),
    })),
    violations: listRoomViolations(ctx.db, roomId, sittingId).map((r) => {
      const category = VIOLATION_CATEGORIES[r.category as ViolationCategory] ?? VIOLATION_CATEGORIES.other;
      return {
        ...r,
        name: name(r.ticket_no),
        categoryZh: category.zh,
        consequenceZh: CONSEQUENCE_ZH[category.consequence],
      };
    }),
    alerts: [...alertCounts].map(([kind, count]) => ({ kind, count })),
    standalone: listRoomStandalonePackages(ctx.db, roomId, sittingId).map((p) => ({
      ...p,
      name: name(p.ticket_no),
    })),
    transfers: listSittingTransfers(ctx.db, sittingId, roomId).map((t) => transferView(ctx.db, t)),
  };
}
