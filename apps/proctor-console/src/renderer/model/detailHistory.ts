import type { HistoryEntry } from '../../shared/api.js';

/** Kinds only the console sees: the audit trail does not record connectivity. */
const CONSOLE_ONLY: ReadonlySet<HistoryEntry['kind']> = new Set(['online', 'offline']);

/**
 * A candidate's history for the detail panel, newest first: the site's audit trail when it
 * could be read, with the console's own connectivity lines merged in; otherwise everything
 * this console saw (the server may be the thing that is down).
 */
export function detailHistory(
  audit: readonly HistoryEntry[] | null,
  local: readonly HistoryEntry[],
): HistoryEntry[] {
  const lines = audit ? [...audit, ...local.filter((h) => CONSOLE_ONLY.has(h.kind))] : [...local];
  return lines.sort((a, b) => b.at - a.at);
}
