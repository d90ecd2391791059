import type Database from 'better-sqlite3';

/**
 * A sitting may now have several answer packages: interim exports made while rooms were
 * still running (each its own file) and the final one written when the last room ends.
 * `exports` held one row per sitting, so a mid-sitting export replaced the record of the
 * final one (and the file too). Each package now has its row, with whether it is final and
 * which rooms had not ended. The row an older server kept is carried over and classed from
 * the rooms' own end times: final if every room of the sitting had ended by its export.
 */
export function m0008AnswerPackages(db: Database.Database): void {
  db.exec(`
    CREATE TABLE answer_packages (
      path TEXT PRIMARY KEY,
      sitting_id TEXT NOT NULL,
      finality TEXT NOT NULL CHECK (finality IN ('final', 'interim')),
      rooms_not_ended TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      exported_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX answer_packages_by_sitting ON answer_packages (sitting_id, exported_at);
    INSERT INTO answer_packages (path, sitting_id, finality, rooms_not_ended, sha256, exported_at)
      SELECT path, sitting_id, CASE WHEN open_rooms = '[]' THEN 'final' ELSE 'interim' END,
             open_rooms, sha256, exported_at
      FROM (
        SELECT e.*, (
          SELECT json_group_array(room_id) FROM (
            SELECT rs.room_id FROM room_sittings rs
            WHERE rs.sitting_id = e.sitting_id AND (rs.ended_at IS NULL OR rs.ended_at > e.exported_at)
            ORDER BY rs.room_id
          )
        ) AS open_rooms
        FROM exports e
      );
    DROP TABLE exports;
  `);
}
