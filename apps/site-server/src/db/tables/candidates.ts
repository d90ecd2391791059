import type { Db } from '../open.js';
import { stmt } from '../statements.js';

export interface CandidateRow {
  ticket_no: string;
  id_number: string;
  name: string;
  gender: 'M' | 'F';
  level: 'junior' | 'intermediate' | 'senior';
  specialty: string;
  photo_png: string;
  room_id: string;
  seat_no: number | null;
}

export function insertCandidate(db: Db, c: CandidateRow): void {
  stmt(
    db,
    `INSERT INTO candidates (ticket_no, id_number, name, gender, level, specialty, photo_png, room_id, seat_no)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.ticket_no, c.id_number, c.name, c.gender, c.level, c.specialty, c.photo_png, c.room_id, c.seat_no);
}

export function getCandidate(db: Db, ticketNo: string): CandidateRow | undefined {
  return stmt(db, 'SELECT * FROM candidates WHERE ticket_no = ?').get(ticketNo) as CandidateRow | undefined;
}

export function countCandidates(db: Db): number {
  return (stmt(db, 'SELECT count(*) AS n FROM candidates').get() as { n: number }).n;
}
