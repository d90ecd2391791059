import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface CandidateRow {
  ticket_no: string;
  id_number: string;
  name: string;
  gender: 'M' | 'F';
  level: 'junior' | 'intermediate' | 'senior';
  specialty: string;
  room_id: string;
  seat_no: number | null;
}

/** Call inside the import's transaction: the candidate and their photo go in together. */
export function insertCandidate(db: Db, c: CandidateRow, photoPng: string): void {
  stmt(
    db,
    `INSERT INTO candidates (ticket_no, id_number, name, gender, level, specialty, room_id, seat_no)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.ticket_no, c.id_number, c.name, c.gender, c.level, c.specialty, c.room_id, c.seat_no);
  stmt(db, 'INSERT INTO candidate_photos (ticket_no, photo_png) VALUES (?, ?)').run(c.ticket_no, photoPng);
}

/** The registration photo (base64 PNG), kept apart from the row every tile reads (migration 0007). */
export function getCandidatePhoto(db: Db, ticketNo: string): string | undefined {
  return (
    stmt(db, 'SELECT photo_png FROM candidate_photos WHERE ticket_no = ?').get(ticketNo) as
      | { photo_png: string }
      | undefined
  )?.photo_png;
}

export function getCandidate(db: Db, ticketNo: string): CandidateRow | undefined {
  return stmt(db, 'SELECT * FROM candidates WHERE ticket_no = ?').get(ticketNo) as CandidateRow | undefined;
}

export function countCandidates(db: Db): number {
  return (stmt(db, 'SELECT count(*) AS n FROM candidates').get() as { n: number }).n;
}

/** A room's tickets and assigned seats (the arrangement code covers exactly these). */
export function listRoomSeats(db: Db, roomId: string): { ticket_no: string; seat_no: number | null }[] {
  return stmt(db, 'SELECT ticket_no, seat_no FROM candidates WHERE room_id = ? ORDER BY ticket_no').all(
    roomId,
  ) as { ticket_no: string; seat_no: number | null }[];
}
