import type { AnswerChangeRecord } from './answerChange.js';
import { type ReceivedAnswerPackage, receivedAnswerPackageSchema, receivedChangeSchema } from './packages.js';

/**
 * `receivedAnswerPackageSchema.safeParse`, at a fraction of the cost on a large package
 * (issue 18: 2,000 candidates × 120 changes, 240,000 change objects): the changes are the
 * bulk, and each one in the form the site writes is checked here directly, by the same rules
 * as `answerChangeRecordSchema` and with the same output (keys in the schema's order; a
 * change already in that order is kept, not copied: `json` is JSON.parse's, used once). A
 * change not plainly in that form (an older site's, or anything doubtful) goes through
 * `receivedChangeSchema` itself. Everything else in the package goes through the package
 * schema with the changes set aside, so the result is the schema's, refusal included.
 */
export function parseReceivedAnswerPackage(
  json: unknown,
): { success: true; data: ReceivedAnswerPackage } | { success: false } {
  if (!isRecord(json) || !Array.isArray(json.candidates)) return plain(json);
  const changes: AnswerChangeRecord[][] = [];
  const candidates: unknown[] = [];
  for (const c of json.candidates) {
    if (!isRecord(c) || !Array.isArray(c.changes)) return plain(json);
    const parsed: AnswerChangeRecord[] = new Array(c.changes.length);
    for (let i = 0; i < c.changes.length; i++) {
      const raw: unknown = c.changes[i];
      const direct = siteChange(raw);
      if (direct) {
        parsed[i] = direct;
        continue;
      }
      const slow = receivedChangeSchema.safeParse(raw);
      if (!slow.success) return { success: false };
      parsed[i] = slow.data;
    }
    changes.push(parsed);
    candidates.push({ ...c, changes: [] });
  }
  const rest = receivedAnswerPackageSchema.safeParse({ ...json, candidates });
  if (!rest.success) return { success: false };
  rest.data.candidates.forEach((c, i) => {
    c.changes = changes[i]!;
  });
  return { success: true, data: rest.data };
}

function plain(json: unknown): { success: true; data: ReceivedAnswerPackage } | { success: false } {
  const r = receivedAnswerPackageSchema.safeParse(json);
  return r.success ? { success: true, data: r.data } : { success: false };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The record's keys in the schema's order: the order of the schema's output too. */
const CHANGE_KEYS = new Map(
  [
    'seq',
    'itemId',
    'value',
    'flagged',
    'madeAt',
    'receivedAt',
    'lateArrival',
    'source',
    'standalonePackageId',
  ].map((k, i) => [k, i]),
);
const PACKAGE_ID = /^[0-9a-f]{32}$/;
const isInt = Number.isSafeInteger;

/** Printable ASCII only: certainly free of the control and bidi characters `safeText` refuses. */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** `answerValueSchema`'s forms: null, a boolean, text up to 50,000 units, up to 10 keys of 1–4. */
function plainValue(v: unknown): boolean {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'string') return v.length <= 50_000;
  if (!Array.isArray(v) || v.length > 10) return false;
  for (const k of v) if (typeof k !== 'string' || k.length < 1 || k.length > 4) return false;
  return true;
}

/**
 * The change as `answerChangeRecordSchema` would output it, or null when it is not certainly
 * valid by those rules (then the schema decides). Never accepts what the schema refuses.
 */
function siteChange(raw: unknown): AnswerChangeRecord | null {
  if (!isRecord(raw)) return null;
  // Keys already in the schema's order (as the site writes them): the object is kept as it is.
  let last = -1;
  let inOrder = true;
  for (const k in raw) {
    const at = CHANGE_KEYS.get(k);
    if (at === undefined) return null;
    if (at < last) inOrder = false;
    last = at;
  }
  const { seq, itemId, value, flagged, madeAt, receivedAt, lateArrival, source, standalonePackageId } = raw;
  if (!isInt(seq) || (seq as number) < 1 || (seq as number) > 10_000_000) return null;
  if (typeof itemId !== 'string' || itemId.length < 1 || itemId.length > 64 || !plainAscii(itemId))
    return null;
  if (!plainValue(value) || typeof flagged !== 'boolean') return null;
  if (!isInt(madeAt) || (madeAt as number) < 0 || !isInt(receivedAt)) return null;
  if (lateArrival !== undefined && typeof lateArrival !== 'boolean') return null;
  if (source !== undefined && source !== 'online' && source !== 'standalone') return null;
  if (
    standalonePackageId !== undefined &&
    (typeof standalonePackageId !== 'string' || !PACKAGE_ID.test(standalonePackageId))
  )
    return null;
  if (inOrder) return raw as AnswerChangeRecord;
  const out: AnswerChangeRecord = {
    seq: seq as number,
    itemId,
    value: Array.isArray(value) ? [...(value as string[])] : (value as AnswerChangeRecord['value']),
    flagged,
    madeAt: madeAt as number,
    receivedAt: receivedAt as number,
  };
  if (lateArrival !== undefined) out.lateArrival = lateArrival;
  if (source !== undefined) out.source = source;
  if (standalonePackageId !== undefined) out.standalonePackageId = standalonePackageId;
  return out;
}
