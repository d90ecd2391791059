import { join } from 'node:path';
import { openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import type { NewPackage, PackageRecord, ReceiverStore, UploadRecord } from './receiverStore.js';
import { RECEIVER_TABLES } from './schema.js';

/** The default store: `receiver.db` in the data dir, through the platform's durable opener. */
export function openSqliteStore(dataDir: string): ReceiverStore {
  const db = openDurableDatabase(join(dataDir, 'receiver.db'), {
    name: 'receiver database',
    program: 'receiver',
    advice: 'Run the newer receiver, or restore the database from before it ran.',
    migrations: [(d) => d.exec(RECEIVER_TABLES)],
  });
  return new SqliteStore(db);
}

interface UploadRow {
  upload_id: string;
  site_id: string;
  sha256: string;
  size: number;
  file_name: string;
  offset_bytes: number;
  created_at: string;
}

interface PackageRow {
  receipt_id: string;
  exam_id: string;
  site_id: string;
  sitting_id: string;
  sha256: string;
  size: number;
  version: number;
  flagged: number;
  final: number;
  received_at: string;
  file: string;
  signed_receipt: string;
}

const upload = (r: UploadRow): UploadRecord => ({
  uploadId: r.upload_id,
  siteId: r.site_id,
  sha256: r.sha256,
  size: r.size,
  fileName: r.file_name,
  offset: r.offset_bytes,
  createdAt: r.created_at,
});

const pkg = (r: PackageRow): PackageRecord => ({
  receiptId: r.receipt_id,
  examId: r.exam_id,
  siteId: r.site_id,
  sittingId: r.sitting_id,
  sha256: r.sha256,
  size: r.size,
  version: r.version,
  flagged: r.flagged === 1,
  final: r.final === 1,
  receivedAt: r.received_at,
  file: r.file,
  signed: JSON.parse(r.signed_receipt),
});

class SqliteStore implements ReceiverStore {
  readonly kind = 'sqlite' as const;
  constructor(private readonly db: Database.Database) {}

  async openUpload(u: Omit<UploadRecord, 'offset' | 'createdAt'>, now: Date): Promise<UploadRecord> {
    this.db
      .prepare(
        `INSERT INTO uploads (upload_id, site_id, sha256, size, file_name, offset_bytes, created_at)
         VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (site_id, sha256) DO NOTHING`,
      )
      .run(u.uploadId, u.siteId, u.sha256, u.size, u.fileName, now.toISOString());
    const row = this.db
      .prepare('SELECT * FROM uploads WHERE site_id = ? AND sha256 = ?')
      .get(u.siteId, u.sha256) as UploadRow;
    return upload(row);
  }

  async getUpload(uploadId: string): Promise<UploadRecord | null> {
    const row = this.db.prepare('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId) as
      | UploadRow
      | undefined;
    return row ? upload(row) : null;
  }

  async setOffset(uploadId: string, offset: number): Promise<void> {
    // Not fsync'd (see ReceiverStore.setOffset): WAL with synchronous=NORMAL for this commit
    // only; the next FULL commit (a package kept) makes it durable with everything before it.
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.prepare('UPDATE uploads SET offset_bytes = ? WHERE upload_id = ?').run(offset, uploadId);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async dropUpload(uploadId: string): Promise<void> {
    this.db.prepare('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
  }

  async packageBySha(siteId: string, sha256: string): Promise<PackageRecord | null> {
    const row = this.db
      .prepare('SELECT * FROM packages WHERE site_id = ? AND sha256 = ?')
      .get(siteId, sha256) as PackageRow | undefined;
    return row ? pkg(row) : null;
  }

  async addPackage(
    p: NewPackage,
    uploadId: string,
    receipt: (decided: { version: number; flagged: boolean }) => Omit<PackageRecord, keyof NewPackage>,
  ): Promise<PackageRecord> {
    // IMMEDIATE: the write lock is taken before the version is read, so two completes of
    // the same sitting cannot both become version 2.
    const run = this.db.transaction((): PackageRecord => {
      const same = this.db
        .prepare('SELECT * FROM packages WHERE site_id = ? AND sha256 = ?')
        .get(p.siteId, p.sha256) as PackageRow | undefined;
      if (same) return pkg(same);
      const { latest } = this.db
        .prepare(
          'SELECT MAX(version) AS latest FROM packages WHERE exam_id = ? AND site_id = ? AND sitting_id = ?',
        )
        .get(p.examId, p.siteId, p.sittingId) as { latest: number | null };
      const version = (latest ?? 0) + 1;
      const r = receipt({ version, flagged: version > 1 });
      this.db
        .prepare(
          `INSERT INTO packages (receipt_id, exam_id, site_id, sitting_id, sha256, size, version, flagged,
             final, received_at, file, signed_receipt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.receiptId,
          p.examId,
          p.siteId,
          p.sittingId,
          p.sha256,
          p.size,
          r.version,
          r.flagged ? 1 : 0,
          r.final ? 1 : 0,
          r.receivedAt,
          p.file,
          JSON.stringify(r.signed),
        );
      this.db.prepare('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
      return { ...p, ...r };
    });
    return run.immediate();
  }

  async packagesOfExam(examId: string): Promise<PackageRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM packages WHERE exam_id = ? ORDER BY received_at, version')
      .all(examId) as PackageRow[];
    return rows.map(pkg);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
