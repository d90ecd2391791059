import type Database from 'better-sqlite3';

/**
 * The site admin signs in with a password instead of pasting the bearer token (issue 18,
 * decision 0018). `admin_password` holds one row: the scrypt hash of the password (never the
 * password) and whether it is still the generated initial one. `admin_sessions` keeps each
 * signed-in browser: the SHA-256 of its cookie (a stolen database gives no usable cookie),
 * its CSRF token and when it was last used (8 h idle expiry), so a restart keeps sessions.
 */
export function m0018AdminSessionsAndCleanup(db: Database.Database): void {
  db.exec(`
    CREATE TABLE admin_password (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      scrypt TEXT NOT NULL,
      initial INTEGER NOT NULL CHECK (initial IN (0, 1)),
      set_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE admin_sessions (
      token_sha256 TEXT PRIMARY KEY,
      csrf TEXT NOT NULL,
      address TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL
    ) STRICT;
  `);
}
