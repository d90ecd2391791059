/**
 * The shapes the sittings screen reads from routes other apps' parts own (uploads, H2's
 * backups). The page cannot import the site server, so it names what it uses and reads it
 * defensively: a route that is missing or says less shows as "not provided", never a crash.
 */
export interface UploadView {
  sittingId: string;
  state: 'queued' | 'uploading' | 'failed' | 'receipt-verified' | 'superseded';
  sha256: string;
  offset: number;
  size: number;
  lastError: string | null;
  receipt: {
    receiptId: string;
    version: number;
    flagged: boolean;
    counts: { candidates: number; handedIn: number; changes: number };
  } | null;
}
export interface UploadsView {
  receiverUrl: string | null;
  sittings: UploadView[];
}

export interface BackupLine {
  /** What the line is about: the site server's backup of a sitting, or a room's console backup. */
  kind: 'site' | 'room';
  key: string;
  state: string;
  path: string | null;
  sha256: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** One sitting's backups from `GET /api/admin/backups`: its site backup and the rooms'. */
export function backupLines(
  view: unknown,
  sittingId: string,
  roomIds: readonly string[],
): BackupLine[] | null {
  if (!isObject(view) || !Array.isArray(view.sittings)) return null;
  const lines: BackupLine[] = [];
  const line = (kind: BackupLine['kind'], key: string, entry: Record<string, unknown>): BackupLine => {
    const backup = isObject(entry.backup) ? entry.backup : {};
    return {
      kind,
      key,
      state: str(entry.state) ?? 'missing',
      path: str(backup.path),
      sha256: str(backup.sha256),
    };
  };
  for (const s of view.sittings) {
    if (isObject(s) && s.sittingId === sittingId) lines.push(line('site', sittingId, s));
  }
  if (Array.isArray(view.rooms)) {
    for (const r of view.rooms) {
      if (!isObject(r) || typeof r.roomId !== 'string' || !roomIds.includes(r.roomId)) continue;
      const sittingIds = Array.isArray(r.sittingIds) ? r.sittingIds : [];
      if (sittingIds.length > 0 && !sittingIds.includes(sittingId)) continue;
      lines.push(line('room', r.roomId, r));
    }
  }
  return lines;
}

/** A cleanup refusal's missing list, wherever the route put it. */
export function missingOf(error: { details?: Record<string, unknown>; [k: string]: unknown }): string[] {
  const list = Array.isArray(error.missing) ? error.missing : error.details?.missing;
  return Array.isArray(list) ? list.filter((m): m is string => typeof m === 'string') : [];
}

/** The site's checklist lines are "中文 / English": the half of the chosen language. */
export function lineIn(lang: 'zh-CN' | 'en', line: string): string {
  const at = line.indexOf(' / ');
  if (at < 0) return line;
  return lang === 'zh-CN' ? line.slice(0, at) : line.slice(at + 3);
}
