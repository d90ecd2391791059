import type {
  HostError,
  StandaloneCollectResult,
  StandaloneMachineView,
  StandalonePackageView,
} from '../../shared/api.js';
import type { MessageKey } from './i18n.js';

/**
 * Standalone mode (issue 17) as the console's screens word it. Pure: the unit tests drive it
 * without a browser.
 */

/** Candidates whose package is out (单机考试中), as `ticketNo:sittingId`. */
export function standaloneTickets(packages: readonly StandalonePackageView[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const p of packages) if (p.state === 'exported') out.add(`${p.ticketNo}:${p.sittingId}`);
  return out;
}

/** Whether this candidate of this sitting has a package out. */
export function isStandalone(active: ReadonlySet<string>, ticketNo: string, sittingId: string): boolean {
  return active.has(`${ticketNo}:${sittingId}`);
}

export type MachinePick =
  | { ok: true; fingerprint: string; machine: StandaloneMachineView | null }
  | { ok: false; why: 'empty' | 'unknown' | 'ambiguous' | 'malformed' };

/**
 * The machine a proctor named: picked from the list, or typed as the candidate's screen shows
 * its fingerprint ("3F2A-91C0-7D11-0B9E", dashes, spaces and case as they come). A typed
 * start must name one approved machine; a full fingerprint (64 hex) is taken as typed and the
 * site checks it is approved.
 */
export function pickMachine(input: string, machines: readonly StandaloneMachineView[]): MachinePick {
  const hex = input.replace(/[\s-]/g, '').toLowerCase();
  if (hex.length === 0) return { ok: false, why: 'empty' };
  if (!/^[0-9a-f]+$/.test(hex) || hex.length < 8 || hex.length > 64) return { ok: false, why: 'malformed' };
  const matches = machines.filter((m) => m.fingerprint.startsWith(hex));
  if (matches.length > 1) return { ok: false, why: 'ambiguous' };
  const [only] = matches;
  if (only) return { ok: true, fingerprint: only.fingerprint, machine: only };
  if (hex.length === 64) return { ok: true, fingerprint: hex, machine: null };
  return { ok: false, why: 'unknown' };
}

/** The authorization code in its three groups of four, as the candidate's machine asks for it. */
export function codeGroups(code: string): string[] {
  const plain = code.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  return plain.match(/.{1,4}/g) ?? [];
}

/** A collection's result as one sentence: merged, already held, refused after the end, handed in. */
export function collectSummary(r: StandaloneCollectResult): {
  key: MessageKey;
  params: Record<string, number | string>;
} {
  return {
    key: r.handedIn ? 'standalone.collected.handedIn' : 'standalone.collected.notHandedIn',
    params: { merged: r.merged, held: r.alreadyHeld, late: r.refusedAfterEnd, ticket: r.ticketNo },
  };
}

/**
 * An export's failure: with the site server unreachable nothing was exported, and the proctor
 * is told so in those words; an unanswered export may have gone through on the server.
 */
export function exportErrorKey(e: HostError): MessageKey | null {
  if (e.code === 'OFFLINE') return 'standalone.serverDown';
  if (e.code === 'TIMEOUT') return 'standalone.exportUnknown';
  return null;
}

/** An ISO time from the site as the site's wall clock ("2026-06-13 09:41"). */
export function isoClock(iso: string | null, clock: (ms: number, withDate?: boolean) => string): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? clock(ms, true).slice(0, 16) : iso;
}
