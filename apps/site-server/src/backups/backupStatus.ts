import { siteLocalDate } from '@exam/domain';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { listRoomSittingsOf } from '../sittings/roomSittingsTable.js';
import { listSittingMetas } from '../sittings/sittingsTable.js';
import { type BackupRow, type BackupState, listBackups } from './backupsTable.js';

export interface BackupSummary {
  backupId: number;
  state: BackupState;
  path: string;
  sha256: string | null;
  size: number | null;
  madeAt: number;
  verifiedAt: number | null;
  lastError: string | null;
}

export type BackupVerdict = 'verified' | 'failed' | 'making' | 'missing';

export interface SittingBackupStatus {
  sittingId: string;
  /** Every room of the sitting has ended: its site backup is due. */
  ended: boolean;
  state: BackupVerdict;
  /** The verified backup if there is one, else the latest attempt. */
  backup: BackupSummary | null;
}

export interface RoomBackupStatus {
  roomId: string;
  /** The site-local day (YYYY-MM-DD) the room's sittings were on. */
  day: string;
  sittingIds: string[];
  /** When the day's last sitting ended in the room; null while one has not ended. */
  lastEndedAt: number | null;
  /** `verified` only for a backup deposited after the day's last sitting ended. */
  state: BackupVerdict | 'room-not-ended';
  backup: BackupSummary | null;
}

export interface BackupsStatus {
  provinceId: string | null;
  sittings: SittingBackupStatus[];
  rooms: RoomBackupStatus[];
  /** Backups the admin made on demand, not tied to a sitting. */
  onDemand: BackupSummary[];
}

function summary(b: BackupRow): BackupSummary {
  return {
    backupId: b.backup_id,
    state: b.state,
    path: b.path,
    sha256: b.sha256,
    size: b.size,
    madeAt: b.made_at,
    verifiedAt: b.verified_at,
    lastError: b.last_error,
  };
}

/** The verified one that counts if any, else the latest attempt. */
function pick(
  rows: BackupRow[],
  counts: (b: BackupRow) => boolean,
): { state: BackupVerdict; row: BackupRow | null } {
  const good = rows.filter((b) => b.state === 'verified' && counts(b)).at(-1);
  if (good) return { state: 'verified', row: good };
  const last = rows.at(-1);
  if (!last || last.state === 'verified') return { state: 'missing', row: last ?? null };
  return { state: last.state, row: last };
}

/**
 * Per sitting, its site backup; per room and day with a started sitting, the console backup
 * deposited after the day's last sitting ended there (`GET /api/admin/backups`).
 */
export function backupsStatus(ctx: SiteContext): BackupsStatus {
  const all = listBackups(ctx.db);
  const sittings: SittingBackupStatus[] = [];
  const days = new Map<string, RoomBackupStatus & { open: boolean }>();
  for (const s of listSittingMetas(ctx.db)) {
    const rooms = listRoomSittingsOf(ctx.db, s.sitting_id).filter((r) => r.started_at !== null);
    const ended = rooms.length > 0 && rooms.every((r) => r.ended_at !== null);
    const { state, row } = pick(
      all.filter((b) => b.kind === 'site' && b.sitting_id === s.sitting_id),
      () => true,
    );
    if (rooms.length > 0 || row)
      sittings.push({ sittingId: s.sitting_id, ended, state, backup: row && summary(row) });
    const day = siteLocalDate(s.scheduled_start);
    for (const r of rooms) {
      const key = `${r.room_id}\u0000${day}`;
      const entry = days.get(key) ?? {
        roomId: r.room_id,
        day,
        sittingIds: [],
        lastEndedAt: null,
        state: 'missing' as const,
        backup: null,
        open: false,
      };
      entry.sittingIds.push(s.sitting_id);
      if (r.ended_at === null) entry.open = true;
      else entry.lastEndedAt = Math.max(entry.lastEndedAt ?? 0, r.ended_at);
      days.set(key, entry);
    }
  }
  const rooms = [...days.values()]
    .sort((a, b) => a.day.localeCompare(b.day) || a.roomId.localeCompare(b.roomId))
    .map(({ open, ...r }): RoomBackupStatus => {
      const lastEndedAt = open ? null : r.lastEndedAt;
      const deposits = all.filter((b) => b.kind === 'console' && b.room_id === r.roomId && b.day >= r.day);
      const { state, row } = pick(
        deposits,
        (b) => lastEndedAt !== null && (b.verified_at ?? 0) >= lastEndedAt,
      );
      return {
        ...r,
        lastEndedAt,
        state: open && state !== 'verified' ? 'room-not-ended' : state,
        backup: row && summary(row),
      };
    });
  return {
    provinceId: getMeta(ctx.db, 'provinceId'),
    sittings,
    rooms,
    onDemand: all.filter((b) => b.kind === 'site' && b.sitting_id === null).map(summary),
  };
}
