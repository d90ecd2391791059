import type Database from 'better-sqlite3';

/**
 * The registration photo (up to 2 MB of base64) sat in the middle of the candidate's row,
 * before `room_id` and `seat_no`, so every tile and room list read the photo's overflow
 * pages to reach the seat: with 40 kB photos a room list took 4× and a tile 3× as long as
 * without. The photo now has a table of its own, read only where it is shown (the
 * candidate's login, the proctor's candidate detail).
 */
export function m0007CandidatePhotos(db: Database.Database): void {
  db.exec(`
    CREATE TABLE candidate_photos (
      ticket_no TEXT PRIMARY KEY REFERENCES candidates(ticket_no),
      photo_png TEXT NOT NULL
    ) STRICT;
    INSERT INTO candidate_photos (ticket_no, photo_png) SELECT ticket_no, photo_png FROM candidates;
    ALTER TABLE candidates DROP COLUMN photo_png;
  `);
}
