import type Database from 'better-sqlite3';

/**
 * A candidate's detail in the proctor console reads their audit trail by subject; without
 * the index every click scanned the whole site's trail. Notices are read per room and
 * sitting at every login and resume; violations per candidate in every tile (issue 5 profile).
 */
export function m0005LookupIndexes(db: Database.Database): void {
  db.exec(`
    CREATE INDEX audit_events_subject ON audit_events (subject);
    CREATE INDEX notices_room_sitting ON notices (room_id, sitting_id);
    CREATE INDEX violations_candidate ON violations (ticket_no, sitting_id);
  `);
}
