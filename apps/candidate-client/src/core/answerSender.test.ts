import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnswerChange, CandidateProfile, SittingView } from '@exam/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerSender } from './answerSender.js';
import { CoreError } from './errors.js';
import type { RetiredSession, SittingRef, StoredSession } from './journal/types.js';
import { AnswerJournal } from './journal.js';

/**
 * The sender over a real journal, with the server replaced by functions the test answers:
 * what goes out, in which order, and what a refusal does to the rest.
 */
const first: SittingRef = { ticketNo: '1001', sittingId: 'S1' };
const next: SittingRef = { ticketNo: '2001', sittingId: 'S2' };

function sessionOf(ref: SittingRef, token: string): StoredSession {
  return {
    serverUrl: 'http://127.0.0.1:1',
    sessionToken: token,
    ...ref,
    profile: {} as CandidateProfile,
    sitting: {} as SittingView,
    sealedPaper: '',
    paperProof: null,
  };
}

let dir: string;
let journal: AnswerJournal;
let sent: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sender-'));
  journal = AnswerJournal.open(join(dir, 'journal.db'), { now: () => 1 });
  sent = [];
});

afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function sender(
  deliver: (s: RetiredSession, changes: AnswerChange[]) => Promise<{ ackSeq: number }>,
  save: (changes: AnswerChange[]) => Promise<{ ackSeq: number }> = async (changes) => ({
    ackSeq: Math.max(...changes.map((c) => c.seq)),
  }),
) {
  const current = () => journal.loadSession();
  return new AnswerSender({
    journal,
    target: () => {
      const s = current();
      return s && { ticketNo: s.ticketNo, sittingId: s.sittingId };
    },
    ready: () => true,
    send: async (sittingId, changes) => {
      sent.push(`save ${sittingId} ${changes.map((c) => c.seq).join(',')}`);
      return save(changes);
    },
    onAcked: () => {},
    onFailed: () => {},
    leftovers: () => journal.retiredSessions(),
    deliver: async (s, changes) => {
      sent.push(`deliver ${s.sittingId} ${changes.map((c) => c.seq).join(',')}`);
      return deliver(s, changes);
    },
    onDelivered: (s) => {
      journal.settleRetired(s);
    },
    retry: { minMs: 5, baseMs: 5, maxMs: 20 },
  });
}

describe('AnswerSender with a previous sitting’s leftovers', () => {
  it('sends the current candidate’s answers first, then delivers the leftovers under their own token', async () => {
    journal.saveSession(sessionOf(first, 'a'.repeat(43)));
    journal.append(first, 'q1', 'A');
    journal.retireSession();
    journal.saveSession(sessionOf(next, 'b'.repeat(43)));
    journal.append(next, 'p1', 'C');
    const tokens: string[] = [];
    const s = sender(async (r, changes) => {
      tokens.push(r.sessionToken);
      return { ackSeq: Math.max(...changes.map((c) => c.seq)) };
    });
    s.kick();
    await until('everything acknowledged', () => journal.retiredSessions().length === 0 && sent.length === 2);
    expect(sent).toEqual(['save S2 1', 'deliver S1 1']);
    expect(tokens).toEqual(['a'.repeat(43)]);
    expect(journal.pendingCount(next)).toBe(0);
    s.stop();
  });

  it('keeps a refused leftover for the next connection without holding up the rest', async () => {
    const older: SittingRef = { ticketNo: '0901', sittingId: 'S0' };
    journal.saveSession(sessionOf(older, 'o'.repeat(43)));
    journal.append(older, 'q1', 'A');
    journal.retireSession();
    journal.saveSession(sessionOf(first, 'a'.repeat(43)));
    journal.append(first, 'q1', 'B');
    journal.retireSession();
    let refuse = true;
    const s = sender(async (r, changes) => {
      if (r.ticketNo === older.ticketNo && refuse) throw new CoreError('SESSION_INVALID', 'void here');
      return { ackSeq: Math.max(...changes.map((c) => c.seq)) };
    });
    s.kick();
    await until('the second leftover delivered', () => journal.retiredSessions().length === 1);
    expect(journal.retiredSessions().map((r) => r.ticketNo)).toEqual([older.ticketNo]);
    expect(journal.unacked(older, 10).map((c) => c.value)).toEqual(['A']);
    // Not tried again on this connection…
    const attempts = sent.length;
    s.kick();
    expect(sent).toHaveLength(attempts);
    // …but on the next one.
    refuse = false;
    s.onReady();
    await until('the refused one delivered', () => journal.retiredSessions().length === 0);
    s.stop();
  });

  it('does not take an acknowledgement above what it sent: a later change is still sent', async () => {
    journal.saveSession(sessionOf(next, 'b'.repeat(43)));
    journal.append(next, 'p1', 'A');
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let forged = true;
    const s = sender(
      async () => ({ ackSeq: 0 }),
      async (changes) => {
        if (!forged) return { ackSeq: Math.max(...changes.map((c) => c.seq)) };
        forged = false;
        await gate;
        return { ackSeq: 10_000_000 };
      },
    );
    s.kick();
    await until('the first save in flight', () => sent.length === 1);
    journal.append(next, 'p2', 'B');
    release();
    await until('the second change acknowledged', () => journal.pendingCount(next) === 0);
    expect(sent).toEqual(['save S2 1', 'save S2 2']);
    s.stop();
  });
});
