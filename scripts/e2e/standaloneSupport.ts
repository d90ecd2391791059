import type { Ack, AnswerValue } from '@exam/protocol';
import { type CandidateSite, call, proctorSocket, type TestSite } from '@exam/testkit';

/**
 * What the standalone system test (issue 17) needs around the two apps' harnesses: the
 * candidate client's web-mode machine takes a `CandidateSite`, the console a `TestSite`;
 * one real site serves both here, so the test site is offered to the candidate harness in
 * that shape (a signed-in proctor socket of its own, as `startCandidateSite` has).
 */
export async function asCandidateSite(site: TestSite): Promise<CandidateSite> {
  const proctor = await proctorSocket(site, 'R1');
  return {
    server: site.server,
    url: site.url,
    trust: site.trust,
    clock: site.clock,
    juniorStart: site.juniorStart,
    seniorStart: site.juniorStart + 6 * 3_600_000,
    proctor,
    async proctorCall(event, payload) {
      const ack = await call<Ack<unknown>>(proctor, event, payload);
      if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
      return ack.value;
    },
    storedChanges: (ticketNo) => storedChanges(site, ticketNo),
    async stop() {
      proctor.disconnect();
    },
  };
}

export interface StoredChange {
  seq: number;
  itemId: string;
  value: AnswerValue;
  flagged: boolean;
  /** The standalone package a change came home in (null: it came online). */
  packageId: string | null;
}

/** What the site stored for a candidate, one row per sequence number. */
export function storedChanges(site: TestSite, ticketNo: string): StoredChange[] {
  const rows = site.server.ctx.db
    .prepare(
      'SELECT seq, item_id, value, flagged, standalone_package_id FROM answer_changes WHERE ticket_no = ? ORDER BY seq',
    )
    .all(ticketNo) as {
    seq: number;
    item_id: string;
    value: string;
    flagged: number;
    standalone_package_id: string | null;
  }[];
  return rows.map((r) => ({
    seq: r.seq,
    itemId: r.item_id,
    value: JSON.parse(r.value) as AnswerValue,
    flagged: r.flagged === 1,
    packageId: r.standalone_package_id,
  }));
}

/** The latest value per item, as a reader of the changes in sequence order sees it. */
export function latestAnswers(changes: readonly { seq: number; itemId: string; value: AnswerValue }[]) {
  const latest: Record<string, AnswerValue> = {};
  for (const c of [...changes].sort((a, b) => a.seq - b.seq)) latest[c.itemId] = c.value;
  return latest;
}
