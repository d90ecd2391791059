import { createHash } from 'node:crypto';
import { type ApprovalParams, verifyApprovalCode } from '@exam/crypto';
import {
  approvalCodeKind,
  delayedStartAuthority,
  MINUTE_MS,
  strictestExtensionAuthority,
} from '@exam/domain';
import type { AuditEvent, ReceivedAnswerPackage } from '@exam/protocol';

export interface ApprovalKeys {
  province: Buffer;
  centre: Buffer;
}

/** What the reconciliation found: sentences a centre clerk reads, and codes left unchecked. */
export interface Reconciliation {
  problems: string[];
  /** Coded extensions and starts whose code could not be re-checked: no keys were given. */
  uncheckedCodes: number;
  extensionsChecked: number;
  startsChecked: number;
  handInsChecked: number;
}

const HAND_IN_ACTIONS = new Set(['candidate.handed-in', 'candidate.auto-handed-in']);

/** `ROOM/SITTING` or `TICKET/SITTING`: the first part, if the event is about this sitting. */
function subjectOf(e: AuditEvent, sittingId: string): string | null {
  const cut = e.subject.lastIndexOf('/');
  if (cut < 0 || e.subject.slice(cut + 1) !== sittingId) return null;
  return e.subject.slice(0, cut);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const minutes = (ms: number) => `${Math.round(ms / MINUTE_MS)} minutes`;
const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((t, i) => t === [...b].sort()[i]);

type DigestedChange = { seq: number; itemId: string; value: unknown; flagged: boolean };
const digestLine = (c: DigestedChange) =>
  `${c.seq}:${c.itemId}:${JSON.stringify(c.value)}:${c.flagged ? 1 : 0}`;
const bySeq = (changes: readonly DigestedChange[]) => [...changes].sort((a, b) => a.seq - b.seq);

/**
 * The digest the site records at hand-in (apps/site-server candidates/handIn.ts): every change
 * it had stored then, in sequence order.
 */
export function handInDigest(changes: readonly DigestedChange[]): string {
  return createHash('sha256').update(bySeq(changes).map(digestLine).join('\n')).digest('hex');
}

/**
 * Whether the package's changes, up to some sequence number, are exactly those the hand-in
 * digest covered. Changes stored after the digest was taken (a save committed a moment after
 * an automatic hand-in, a late arrival) come after it; any change to what was handed in, or
 * a change removed, leaves no prefix that matches.
 */
export function matchesHandInDigest(changes: readonly DigestedChange[], recorded: string): boolean {
  const ordered = bySeq(changes);
  const lines = ordered.map(digestLine);
  // Usually every change was stored by the hand-in: the whole list is the prefix, one hash.
  // Only otherwise is each shorter prefix tried (a hash copied per change is what costs).
  if (createHash('sha256').update(lines.join('\n')).digest('hex') === recorded) return true;
  const hash = createHash('sha256');
  if (hash.copy().digest('hex') === recorded) return true;
  let first = true;
  for (const line of lines) {
    hash.update(`${first ? '' : '\n'}${line}`);
    first = false;
    if (hash.copy().digest('hex') === recorded) return true;
  }
  return false;
}

/**
 * Centre side: the sittings data in an answer package (each candidate's extra time, each
 * room's start, each hand-in) must each be backed by its audit event, and every event that
 * needed an approval code must name one that verifies against the issuing authority's key,
 * for exactly what was done. Extra time or a start written straight into the site's database
 * has no such event, and is reported here, naming the candidate or room.
 */
export function reconcileSittingsData(
  pkg: ReceivedAnswerPackage,
  keys: ApprovalKeys | undefined,
): Reconciliation {
  const out: Reconciliation = {
    problems: [],
    uncheckedCodes: 0,
    extensionsChecked: 0,
    startsChecked: 0,
    handInsChecked: 0,
  };
  const usedCodes = new Map<string, number>();
  const checkCode = (e: AuditEvent, code: unknown, approval: unknown, expected: ApprovalParams): void => {
    const what = `${e.action} (audit event ${e.seq}, ${e.subject})`;
    if (typeof code !== 'string' || code.length === 0) {
      out.problems.push(`${what} needed a ${expected.authority} approval code but records none.`);
      return;
    }
    const a = record(approval) as Partial<ApprovalParams>;
    const matches =
      a.kind === expected.kind &&
      a.authority === expected.authority &&
      a.siteId === expected.siteId &&
      a.roomId === expected.roomId &&
      a.sittingId === expected.sittingId &&
      typeof a.date === 'string' &&
      (expected.kind !== 'extension' ||
        (a.minutes === expected.minutes && sameList(a.tickets ?? [], expected.tickets ?? [])));
    if (!matches) {
      out.problems.push(`${what}: the approval recorded with code ${code} is not for what was done.`);
      return;
    }
    const earlier = usedCodes.get(code);
    if (earlier !== undefined) {
      out.problems.push(`${what} uses approval code ${code} again (already used at audit event ${earlier}).`);
    }
    usedCodes.set(code, e.seq);
    if (!keys) {
      out.uncheckedCodes++;
      return;
    }
    const key = expected.authority === 'centre' ? keys.centre : keys.province;
    if (!verifyApprovalCode(key, a as ApprovalParams, code)) {
      out.problems.push(`${what}: approval code ${code} does not verify with the ${expected.authority} key.`);
    }
  };

  // Extensions: replay the chain, per candidate, and judge each grant on the totals then.
  const granted = new Map<string, number>();
  const startEvents = new Map<string, AuditEvent>();
  for (const e of pkg.audit) {
    const roomId = subjectOf(e, pkg.sittingId);
    if (roomId === null) continue;
    const data = record(e.data);
    if (e.action === 'time.extended') {
      out.extensionsChecked++;
      const tickets = Array.isArray(data.tickets) ? data.tickets.filter((t) => typeof t === 'string') : [];
      const mins = typeof data.minutes === 'number' ? data.minutes : 0;
      const needed = strictestExtensionAuthority(
        tickets.map((t) => granted.get(t) ?? 0),
        mins * MINUTE_MS,
      );
      if (data.authority !== needed) {
        out.problems.push(
          `time.extended (audit event ${e.seq}) in room ${roomId}: recorded as ${String(data.authority)}, ` +
            `but the candidates' totals needed ${needed}.`,
        );
      }
      const kind = approvalCodeKind(needed);
      if (kind) {
        checkCode(e, data.code, data.approval, {
          kind: 'extension',
          authority: kind,
          siteId: pkg.siteId,
          roomId,
          sittingId: pkg.sittingId,
          date: '',
          tickets,
          minutes: mins,
        });
      }
      for (const t of tickets) granted.set(t, (granted.get(t) ?? 0) + mins * MINUTE_MS);
    } else if (e.action === 'sitting.started') {
      out.startsChecked++;
      startEvents.set(roomId, e);
      const delayMs = typeof data.delayMs === 'number' ? data.delayMs : 0;
      const needed = delayedStartAuthority(0, delayMs);
      if (data.authority !== needed) {
        out.problems.push(
          `Room ${roomId} started ${minutes(delayMs)} late (audit event ${e.seq}) recorded as ` +
            `${String(data.authority)}, but that delay needs ${needed}.`,
        );
      }
      const kind = approvalCodeKind(needed);
      if (kind) {
        checkCode(e, data.code, data.approval, {
          kind: 'delayed-start',
          authority: kind,
          siteId: pkg.siteId,
          roomId,
          sittingId: pkg.sittingId,
          date: '',
        });
      }
    }
  }

  // Each candidate's last hand-in event, found in one pass (not one search of the chain each).
  const handIns = new Map<string, AuditEvent>();
  for (const e of pkg.audit) if (HAND_IN_ACTIONS.has(e.action)) handIns.set(e.subject, e);
  for (const c of pkg.candidates) {
    const audited = granted.get(c.ticketNo) ?? 0;
    if (c.extensionMs !== audited) {
      out.problems.push(
        `Candidate ${c.ticketNo} in room ${c.roomId} has ${minutes(c.extensionMs)} of extra time in the ` +
          `sittings data, but the audit chain grants ${minutes(audited)}: the difference has no audit event or approval code.`,
      );
    }
    if (c.status === 'handed-in') checkHandIn(pkg, c, handIns, out);
  }

  // Starts: every room that started (or whose candidates answered) has its start event, at the
  // time and with the authority the sittings data holds.
  const rooms = new Map((pkg.rooms ?? []).map((r) => [r.roomId, r]));
  for (const c of pkg.candidates) {
    if ((c.status === 'answering' || c.status === 'handed-in') && !rooms.has(c.roomId)) {
      rooms.set(c.roomId, {
        roomId: c.roomId,
        startedAt: null,
        startAuthority: null,
        startCode: null,
        endedAt: null,
      });
    }
  }
  for (const r of rooms.values()) {
    const e = startEvents.get(r.roomId);
    const answered = pkg.candidates.some(
      (c) => c.roomId === r.roomId && (c.status === 'answering' || c.status === 'handed-in'),
    );
    if (!e) {
      if (r.startedAt !== null || answered) {
        out.problems.push(
          `Room ${r.roomId} started in the sittings data, but the audit chain has no start event for it.`,
        );
      }
      continue;
    }
    if (pkg.rooms === undefined) continue;
    const data = record(e.data);
    if (
      r.startedAt !== e.at ||
      r.startAuthority !== data.authority ||
      (r.startCode ?? null) !== (data.code ?? null)
    ) {
      out.problems.push(
        `Room ${r.roomId}'s start in the sittings data (${r.startedAt === null ? 'none' : new Date(r.startedAt).toISOString()}, ` +
          `${String(r.startAuthority)}) differs from its audit event ${e.seq} ` +
          `(${new Date(e.at).toISOString()}, ${String(data.authority)}).`,
      );
    }
  }
  return out;
}

/** The hand-in event records a digest of the answers then; the package must still match it. */
function checkHandIn(
  pkg: ReceivedAnswerPackage,
  c: ReceivedAnswerPackage['candidates'][number],
  handIns: ReadonlyMap<string, AuditEvent>,
  out: Reconciliation,
): void {
  const event = handIns.get(`${c.ticketNo}/${pkg.sittingId}`);
  if (!event) {
    out.problems.push(
      `Candidate ${c.ticketNo} in room ${c.roomId} is handed in, but the audit chain has no hand-in event.`,
    );
    return;
  }
  out.handInsChecked++;
  const recorded = record(event.data).answersSha256;
  if (typeof recorded === 'string' && !matchesHandInDigest(c.changes, recorded)) {
    out.problems.push(
      `Candidate ${c.ticketNo} in room ${c.roomId}: the answers in the package differ from those ` +
        `recorded at hand-in (audit event ${event.seq}).`,
    );
  }
}
