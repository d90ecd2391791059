import pg from 'pg';
import type { NewPackage, PackageRecord, ReceiverStore, UploadRecord } from './receiverStore.js';
import { RECEIVER_TABLES } from './schema.js';

/** Every schema version in order; the database records how many it has run. */
const MIGRATIONS = [RECEIVER_TABLES] as const;
/** Any constant: one receiver at a time migrates, the others wait on this lock. */
const MIGRATION_LOCK = 1_804_180_001;

/** The centre's store for the whole country: PostgreSQL at `databaseUrl`. */
export async function openPostgresStore(databaseUrl: string): Promise<ReceiverStore> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new PostgresStore(pool);
}

async function migrate(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS receiver_schema (version INTEGER NOT NULL)');
    const found = await c.query<{ version: number }>('SELECT version FROM receiver_schema');
    const current = found.rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `The receiver database is at schema version ${current}, newer than this receiver knows (${MIGRATIONS.length}).`,
      );
    }
    for (let v = current; v < MIGRATIONS.length; v++) await c.query(MIGRATIONS[v]!);
    if (found.rows.length === 0)
      await c.query('INSERT INTO receiver_schema VALUES ($1)', [MIGRATIONS.length]);
    else await c.query('UPDATE receiver_schema SET version = $1', [MIGRATIONS.length]);
  });
}

async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

interface UploadRow {
  upload_id: string;
  site_id: string;
  sha256: string;
  size: string;
  file_name: string;
  offset_bytes: string;
  created_at: string;
}

interface PackageRow {
  receipt_id: string;
  exam_id: string;
  site_id: string;
  sitting_id: string;
  sha256: string;
  size: string;
  version: number;
  flagged: number;
  final: number;
  received_at: string;
  file: string;
  signed_receipt: string;
}

// node-postgres returns BIGINT as text (it may exceed 2^53); package sizes never do.
const upload = (r: UploadRow): UploadRecord => ({
  uploadId: r.upload_id,
  siteId: r.site_id,
  sha256: r.sha256,
  size: Number(r.size),
  fileName: r.file_name,
  offset: Number(r.offset_bytes),
  createdAt: r.created_at,
});

const pkg = (r: PackageRow): PackageRecord => ({
  receiptId: r.receipt_id,
  examId: r.exam_id,
  siteId: r.site_id,
  sittingId: r.sitting_id,
  sha256: r.sha256,
  size: Number(r.size),
  version: r.version,
  flagged: r.flagged === 1,
  final: r.final === 1,
  receivedAt: r.received_at,
  file: r.file,
  signed: JSON.parse(r.signed_receipt),
});

class PostgresStore implements ReceiverStore {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  async openUpload(u: Omit<UploadRecord, 'offset' | 'createdAt'>, now: Date): Promise<UploadRecord> {
    await this.pool.query(
      `INSERT INTO uploads (upload_id, site_id, sha256, size, file_name, offset_bytes, created_at)
       VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (site_id, sha256) DO NOTHING`,
      [u.uploadId, u.siteId, u.sha256, u.size, u.fileName, now.toISOString()],
    );
    const r = await this.pool.query<UploadRow>('SELECT * FROM uploads WHERE site_id = $1 AND sha256 = $2', [
      u.siteId,
      u.sha256,
    ]);
    return upload(r.rows[0]!);
  }

  async getUpload(uploadId: string): Promise<UploadRecord | null> {
    const r = await this.pool.query<UploadRow>('SELECT * FROM uploads WHERE upload_id = $1', [uploadId]);
    return r.rows[0] ? upload(r.rows[0]) : null;
  }

  async setOffset(uploadId: string, offset: number): Promise<void> {
    // Not waited for on disk (see ReceiverStore.setOffset): this transaction only.
    await inTransaction(this.pool, async (c) => {
      await c.query('SET LOCAL synchronous_commit = off');
      await c.query('UPDATE uploads SET offset_bytes = $1 WHERE upload_id = $2', [offset, uploadId]);
    });
  }

  async dropUpload(uploadId: string): Promise<void> {
    await this.pool.query('DELETE FROM uploads WHERE upload_id = $1', [uploadId]);
  }

  async packageBySha(siteId: string, sha256: string): Promise<PackageRecord | null> {
    const r = await this.pool.query<PackageRow>('SELECT * FROM packages WHERE site_id = $1 AND sha256 = $2', [
      siteId,
      sha256,
    ]);
    return r.rows[0] ? pkg(r.rows[0]) : null;
  }

  async addPackage(
    p: NewPackage,
    uploadId: string,
    receipt: (decided: { version: number; flagged: boolean }) => Omit<PackageRecord, keyof NewPackage>,
  ): Promise<PackageRecord> {
    return inTransaction(this.pool, async (c) => {
      // One transaction per sitting at a time, across every receiver on this database, so
      // two packages of one sitting cannot both become the same version.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        JSON.stringify([p.examId, p.siteId, p.sittingId]),
      ]);
      const same = await c.query<PackageRow>('SELECT * FROM packages WHERE site_id = $1 AND sha256 = $2', [
        p.siteId,
        p.sha256,
      ]);
      if (same.rows[0]) return pkg(same.rows[0]);
      const latest = await c.query<{ latest: number | null }>(
        'SELECT MAX(version) AS latest FROM packages WHERE exam_id = $1 AND site_id = $2 AND sitting_id = $3',
        [p.examId, p.siteId, p.sittingId],
      );
      const version = (latest.rows[0]?.latest ?? 0) + 1;
      const r = receipt({ version, flagged: version > 1 });
      await c.query(
        `INSERT INTO packages (receipt_id, exam_id, site_id, sitting_id, sha256, size, version, flagged,
           final, received_at, file, signed_receipt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
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
        ],
      );
      await c.query('DELETE FROM uploads WHERE upload_id = $1', [uploadId]);
      return { ...p, ...r };
    });
  }

  async packagesOfExam(examId: string): Promise<PackageRecord[]> {
    const r = await this.pool.query<PackageRow>(
      'SELECT * FROM packages WHERE exam_id = $1 ORDER BY received_at, version',
      [examId],
    );
    return r.rows.map(pkg);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
