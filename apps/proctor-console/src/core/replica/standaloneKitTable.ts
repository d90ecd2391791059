import { type StandaloneOfflineKit, standaloneOfflineKitSchema } from '@exam/protocol';
import type { Db } from './openDb.js';
import { stmt } from './statements.js';

/** The kit as the replica keeps it: every sitting key taken out (decision 0017, amendment). */
export type StoredStandaloneKit = StandaloneOfflineKit;

export function saveStandaloneKit(db: Db, kit: StandaloneOfflineKit, at: number): void {
  const keyless: StoredStandaloneKit = {
    ...kit,
    sittings: kit.sittings.map((s) => ({ ...s, sittingKey: null })),
  };
  stmt(
    db,
    `INSERT INTO standalone_kit (id, kit, saved_at) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kit = excluded.kit, saved_at = excluded.saved_at`,
  ).run(JSON.stringify(keyless), at);
}

export function loadStandaloneKit(db: Db): StoredStandaloneKit | null {
  const row = stmt(db, 'SELECT kit FROM standalone_kit WHERE id = 1').get() as { kit: string } | undefined;
  if (!row) return null;
  const parsed = standaloneOfflineKitSchema.safeParse(JSON.parse(row.kit));
  return parsed.success ? parsed.data : null;
}
