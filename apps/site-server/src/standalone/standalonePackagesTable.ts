import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export type StandalonePackageState = 'exported' | 'collected' | 'cancelled';

/** Mirrors the `standalone_packages` table exactly. */
export interface StandalonePackageRow {
  package_id: string;
  sitting_id: string;
  ticket_no: string;
  room_id: string;
  target_machine_fingerprint: string;
  /** The target machine's Ed25519 key as bound at export: its answer files must be signed by it. */
  target_machine_public_key: string;
  state: StandalonePackageState;
  exported_at: number;
  exported_by: string;
  /** The chief examiner who consented (their registered holder name). */
  consent_by: string;
  consent_fingerprint: string;
  consent_statement: string;
  consent_signature: string;
  reason: string;
  remaining_ms: number;
  highest_seq_at_export: number;
  /** The hash of the session the export revoked: its resume is told why it is refused. */
  revoked_session_hash: string | null;
  last_file_seq: number;
  collected_at: number | null;
  collected_changes: number;
  refused_after_end: number;
  cancelled_at: number | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  /** 'console': built from a console's replica while the site was down, then registered (migration 0020). */
  built_by: 'site' | 'console';
}

export type NewStandalonePackage = Omit<
  StandalonePackageRow,
  | 'state'
  | 'last_file_seq'
  | 'collected_at'
  | 'collected_changes'
  | 'refused_after_end'
  | 'cancelled_at'
  | 'cancelled_by'
  | 'cancel_reason'
  | 'built_by'
> & { built_by?: 'site' | 'console' };

export function insertStandalonePackage(db: Db, p: NewStandalonePackage): void {
  stmt(
    db,
    `INSERT INTO standalone_packages (package_id, sitting_id, ticket_no, room_id, target_machine_fingerprint,
       target_machine_public_key, state, exported_at, exported_by, consent_by, consent_fingerprint,
       consent_statement, consent_signature, reason, remaining_ms, highest_seq_at_export, revoked_session_hash,
       built_by)
     VALUES (?, ?, ?, ?, ?, ?, 'exported', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    p.package_id,
    p.sitting_id,
    p.ticket_no,
    p.room_id,
    p.target_machine_fingerprint,
    p.target_machine_public_key,
    p.exported_at,
    p.exported_by,
    p.consent_by,
    p.consent_fingerprint,
    p.consent_statement,
    p.consent_signature,
    p.reason,
    p.remaining_ms,
    p.highest_seq_at_export,
    p.revoked_session_hash,
    p.built_by ?? 'site',
  );
}

/**
 * Changes the site took online for the package's candidate above the package's last sequence:
 * made on the old machine and delivered after the export (possible for a package built at a
 * console while the site was down). The standalone machine continues from that sequence too.
 */
export function onlineChangesAfterExport(db: Db, p: StandalonePackageRow): number {
  const row = stmt(
    db,
    `SELECT count(*) AS n FROM answer_changes
      WHERE ticket_no = ? AND sitting_id = ? AND seq > ? AND standalone_package_id IS NULL`,
  ).get(p.ticket_no, p.sitting_id, p.highest_seq_at_export) as { n: number };
  return row.n;
}

export function getStandalonePackage(db: Db, packageId: string): StandalonePackageRow | undefined {
  return stmt(db, 'SELECT * FROM standalone_packages WHERE package_id = ?').get(packageId) as
    | StandalonePackageRow
    | undefined;
}

/** The candidate's package that is out now (any sitting), if any. */
export function exportedPackageOf(db: Db, ticketNo: string): StandalonePackageRow | undefined {
  return stmt(db, "SELECT * FROM standalone_packages WHERE ticket_no = ? AND state = 'exported'").get(
    ticketNo,
  ) as StandalonePackageRow | undefined;
}

/** The package out for the session a resume presents, if the export revoked that session. */
export function exportedPackageOfSession(db: Db, sessionHash: string): StandalonePackageRow | undefined {
  return stmt(
    db,
    "SELECT * FROM standalone_packages WHERE revoked_session_hash = ? AND state = 'exported'",
  ).get(sessionHash) as StandalonePackageRow | undefined;
}

export function listRoomStandalonePackages(
  db: Db,
  roomId: string,
  sittingId?: string,
): StandalonePackageRow[] {
  return (
    sittingId === undefined
      ? stmt(db, 'SELECT * FROM standalone_packages WHERE room_id = ? ORDER BY exported_at, rowid').all(
          roomId,
        )
      : stmt(
          db,
          'SELECT * FROM standalone_packages WHERE room_id = ? AND sitting_id = ? ORDER BY exported_at, rowid',
        ).all(roomId, sittingId)
  ) as StandalonePackageRow[];
}

/** Every package of a sitting, any room: what the answer package and the centre's check need. */
export function listSittingStandalonePackages(db: Db, sittingId: string): StandalonePackageRow[] {
  return stmt(db, 'SELECT * FROM standalone_packages WHERE sitting_id = ? ORDER BY exported_at, rowid').all(
    sittingId,
  ) as StandalonePackageRow[];
}

/** Records a collected answer file: its sequence, what it stored, and the hand-in when it had one. */
export function recordCollection(
  db: Db,
  packageId: string,
  c: { fileSeq: number; merged: number; refusedAfterEnd: number; collectedAt: number | null },
): void {
  stmt(
    db,
    `UPDATE standalone_packages SET last_file_seq = ?, collected_changes = collected_changes + ?,
       refused_after_end = refused_after_end + ?,
       state = CASE WHEN ? IS NULL THEN state ELSE 'collected' END,
       collected_at = coalesce(?, collected_at)
     WHERE package_id = ?`,
  ).run(c.fileSeq, c.merged, c.refusedAfterEnd, c.collectedAt, c.collectedAt, packageId);
}

/** exported → cancelled; false when the package was no longer out. */
export function markCancelled(db: Db, packageId: string, at: number, by: string, reason: string): boolean {
  return (
    stmt(
      db,
      `UPDATE standalone_packages SET state = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?
       WHERE package_id = ? AND state = 'exported'`,
    ).run(at, by, reason, packageId).changes === 1
  );
}

/** The tickets of a room's sitting whose package is still out: the end checklist's facts. */
export function listExportedTickets(db: Db, roomId: string, sittingId: string): string[] {
  return stmt(
    db,
    "SELECT ticket_no FROM standalone_packages WHERE room_id = ? AND sitting_id = ? AND state = 'exported' ORDER BY ticket_no",
  )
    .pluck()
    .all(roomId, sittingId) as string[];
}
