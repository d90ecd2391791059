import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** A live machine binding, and whether a candidate's session is on that machine now. */
export interface ApprovedMachineRow {
  fingerprint: string;
  room_id: string;
  seat_no: number;
  busy: 0 | 1;
}

/** Read-only over `machine_bindings` and `candidate_sittings`: the standalone export's choice of machine. */
export function listApprovedMachines(db: Db): ApprovedMachineRow[] {
  return stmt(
    db,
    `SELECT b.fingerprint, b.room_id, b.seat_no,
       EXISTS (SELECT 1 FROM candidate_sittings cs WHERE cs.machine_id = b.fingerprint
               AND cs.status IN ('not-started', 'answering')) AS busy
     FROM machine_bindings b WHERE b.retired_at IS NULL ORDER BY b.room_id, b.seat_no`,
  ).all() as ApprovedMachineRow[];
}
