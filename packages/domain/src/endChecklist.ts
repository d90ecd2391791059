/**
 * The end-of-sitting checks (DOMAIN "After a sitting" 1): everyone handed in, absent or out
 * of time; every handed-in answer set complete on the server; no standalone package out
 * (collected or cancelled, issue 17); no candidate transferred out of the room (overbooking,
 * issue 19) left without a room that took them in and without the sending room's resolution.
 */

/** One candidate of the room's sitting, as the checks see them. */
export interface EndCheckCandidate {
  ticketNo: string;
  status: 'not-started' | 'answering' | 'handed-in' | 'absent';
  /** Logged in on a machine (a not-started candidate who has logged in is waiting for the start). */
  onMachine: boolean;
  /** Their own time, extensions included, has run out (false when it has not begun). */
  timeUp: boolean;
}

export interface EndCheckFacts {
  /** Whether the room's sitting has started. */
  started: boolean;
  candidates: readonly EndCheckCandidate[];
  /** Handed-in candidates whose answer set on the server lacks changes their machine sent. */
  unsyncedHandedIn: readonly string[];
  /**
   * Candidates whose standalone package is out (exported, neither collected nor cancelled):
   * their answers are on a machine without a network (issue 17). Omitted: none.
   */
  standaloneExported?: readonly string[];
  /**
   * Candidates transferred out of this room whom no room has taken in and whom this room has
   * not resolved (issue 19). Omitted: none.
   */
  openTransfersOut?: readonly string[];
}

export type EndCheckKey = 'all-accounted' | 'answers-synced' | 'standalone-collected' | 'transfers-resolved';

export interface EndCheckItem {
  key: EndCheckKey;
  ok: boolean;
  /** Failing: how many keep it from passing; passing `all-accounted`: who will be recorded absent. */
  count: number;
  tickets: string[];
  /** The item in English, for logs and API callers; consoles word it from key and figures. */
  detail: string;
}

export function endChecklistItems(facts: EndCheckFacts): { ready: boolean; items: EndCheckItem[] } {
  const stillAnswering = facts.candidates
    .filter((c) =>
      c.status === 'answering' ? !c.timeUp : c.status === 'not-started' && c.onMachine && facts.started,
    )
    .map((c) => c.ticketNo);
  const neverCame = facts.candidates.filter((c) => c.status === 'not-started' && !c.onMachine).length;
  const unsynced = [...facts.unsyncedHandedIn];
  const standaloneOut = [...(facts.standaloneExported ?? [])];
  const transfersOpen = [...(facts.openTransfersOut ?? [])];
  const items: EndCheckItem[] = [
    stillAnswering.length === 0
      ? {
          key: 'all-accounted',
          ok: true,
          count: neverCame,
          tickets: [],
          detail: `Everyone has handed in or is absent; ${neverCame} who never logged in will be recorded absent.`,
        }
      : {
          key: 'all-accounted',
          ok: false,
          count: stillAnswering.length,
          tickets: stillAnswering,
          detail: `${stillAnswering.length} candidate(s) are still answering.`,
        },
    {
      key: 'answers-synced',
      ok: unsynced.length === 0,
      count: unsynced.length,
      tickets: unsynced,
      detail:
        unsynced.length === 0
          ? 'Every handed-in answer set is complete on the server.'
          : `${unsynced.length} handed-in answer set(s) are missing changes on the server; collect them from the machines.`,
    },
    {
      key: 'standalone-collected',
      ok: standaloneOut.length === 0,
      count: standaloneOut.length,
      tickets: standaloneOut,
      detail:
        standaloneOut.length === 0
          ? 'No standalone package is out in this room.'
          : `${standaloneOut.length} standalone package(s) are out: collect their answer files or cancel them.`,
    },
    {
      key: 'transfers-resolved',
      ok: transfersOpen.length === 0,
      count: transfersOpen.length,
      tickets: transfersOpen,
      detail:
        transfersOpen.length === 0
          ? 'No transfer out of this room is left open.'
          : `${transfersOpen.length} candidate(s) transferred out were taken in by no room: ` +
            `resolve each (${transfersOpen.join(', ')}) before the end.`,
    },
  ];
  return { ready: items.every((i) => i.ok), items };
}
