import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandidateProfile, SittingView } from '@exam/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SittingRef, StoredSession } from './journal/types.js';
import { AnswerJournal } from './journal.js';

const alice: SittingRef = { ticketNo: '1001', sittingId: 'S1' };
const bob: SittingRef = { ticketNo: '1002', sittingId: 'S1' };

let dir: string;
let path: string;
let journal: AnswerJournal;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-'));
  path = join(dir, 'journal.db');
  journal = AnswerJournal.open(path, { now: () => 1_000 });
});

afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AnswerJournal', () => {
  it('assigns consecutive sequences from 1, per candidate and sitting', () => {
    expect(journal.nextSeq(alice)).toBe(1);
    expect(journal.append(alice, 'q1', 'A').seq).toBe(1);
    expect(journal.append(alice, 'q2', true).seq).toBe(2);
    expect(journal.append(bob, 'q1', 'B').seq).toBe(1);
    expect(journal.nextSeq(alice)).toBe(3);
  });

  it('keeps changes unacknowledged until the server acknowledges them', () => {
    for (const v of ['A', 'B', 'C']) journal.append(alice, 'q1', v);
    expect(journal.unacked(alice, 10).map((c) => c.seq)).toEqual([1, 2, 3]);
    journal.markAckedUpTo(alice, 2);
    expect(journal.unacked(alice, 10).map((c) => c.seq)).toEqual([3]);
    expect(journal.pendingCount(alice)).toBe(1);
    expect(journal.ackSeq(alice)).toBe(2);
  });

  it('stores a fractional clock reading as whole milliseconds', () => {
    const j = AnswerJournal.open(join(dir, 'fractional.db'), { now: () => 1_234.567 });
    try {
      expect(j.append(alice, 'q1', 'A').madeAt).toBe(1_234);
      j.adoptServerState(bob, 1, [{ itemId: 'q1', value: 'B', flagged: false, seq: 1 }]);
      expect(j.currentAnswers(bob)).toHaveLength(1);
    } finally {
      j.close();
    }
  });

  it('returns the backlog oldest first and at most `limit` at a time', () => {
    for (let i = 0; i < 5; i++) journal.append(alice, `q${i}`, null);
    expect(journal.unacked(alice, 2).map((c) => c.seq)).toEqual([1, 2]);
  });

  it('never moves the ack pointer backwards on a late or duplicated ack', () => {
    for (const v of ['A', 'B', 'C']) journal.append(alice, 'q1', v);
    journal.markAckedUpTo(alice, 3);
    journal.markAckedUpTo(alice, 1);
    expect(journal.ackSeq(alice)).toBe(3);
    expect(journal.pendingCount(alice)).toBe(0);
  });

  it('keeps unacknowledged changes unacknowledged across a close and reopen', () => {
    journal.append(alice, 'q1', 'A');
    journal.append(alice, 'q2', ['A', 'C'], true);
    journal.markAckedUpTo(alice, 1);
    journal.close();
    journal = AnswerJournal.open(path);
    expect(journal.unacked(alice, 10)).toEqual([
      { ...alice, seq: 2, itemId: 'q2', value: ['A', 'C'], flagged: true, madeAt: 1_000, acked: false },
    ]);
    expect(journal.nextSeq(alice)).toBe(3);
  });

  it('gives the latest value and flag per item as the current answers', () => {
    journal.append(alice, 'q1', 'A');
    journal.append(alice, 'q2', 'text', true);
    journal.append(alice, 'q1', 'B', true);
    journal.append(alice, 'q2', 'text, edited', false);
    journal.markAckedUpTo(alice, 3);
    expect(journal.currentAnswers(alice)).toEqual([
      { itemId: 'q1', value: 'B', flagged: true, seq: 3, acked: true },
      { itemId: 'q2', value: 'text, edited', flagged: false, seq: 4, acked: false },
    ]);
  });

  it('keeps two candidates who used this machine for the same sitting apart', () => {
    journal.append(alice, 'q1', 'A');
    journal.append(bob, 'q1', 'B');
    journal.markAckedUpTo(bob, 1);
    expect(journal.unacked(alice, 10).map((c) => c.value)).toEqual(['A']);
    expect(journal.currentAnswers(bob)).toEqual([
      { itemId: 'q1', value: 'B', flagged: false, seq: 1, acked: true },
    ]);
  });

  describe('adoptServerState', () => {
    it('restores what the server holds as acknowledged on a fresh machine and continues above it', () => {
      journal.adoptServerState(alice, 7, [
        { itemId: 'q1', value: 'C', flagged: false, seq: 5 },
        { itemId: 'q2', value: true, flagged: true, seq: 7 },
      ]);
      expect(journal.currentAnswers(alice)).toEqual([
        { itemId: 'q1', value: 'C', flagged: false, seq: 5, acked: true },
        { itemId: 'q2', value: true, flagged: true, seq: 7, acked: true },
      ]);
      expect(journal.pendingCount(alice)).toBe(0);
      expect(journal.ackSeq(alice)).toBe(7);
      expect(journal.append(alice, 'q3', null).seq).toBe(8);
    });

    it('keeps local changes the server does not hold yet, queued for sending', () => {
      for (const v of ['A', 'B', 'C', 'D']) journal.append(alice, 'q1', v);
      journal.adoptServerState(alice, 2, [{ itemId: 'q1', value: 'B', flagged: false, seq: 2 }]);
      expect(journal.unacked(alice, 10).map((c) => [c.seq, c.value])).toEqual([
        [3, 'C'],
        [4, 'D'],
      ]);
      expect(journal.currentAnswers(alice)[0]?.value).toBe('D');
    });

    it('settles acknowledgements that were lost with a dropped connection', () => {
      for (const v of ['A', 'B', 'C']) journal.append(alice, 'q1', v);
      journal.adoptServerState(alice, 3, [{ itemId: 'q1', value: 'C', flagged: false, seq: 3 }]);
      expect(journal.pendingCount(alice)).toBe(0);
      expect(journal.nextSeq(alice)).toBe(4);
    });

    it('re-queues changes acknowledged before that the server no longer holds', () => {
      for (const v of ['A', 'B', 'C']) journal.append(alice, 'q1', v);
      journal.markAckedUpTo(alice, 3);
      journal.adoptServerState(alice, 1, [{ itemId: 'q1', value: 'A', flagged: false, seq: 1 }]);
      expect(journal.unacked(alice, 10).map((c) => c.seq)).toEqual([2, 3]);
      expect(journal.ackSeq(alice)).toBe(1);
    });

    it('never drops a change above its own highest sequence on a forged ack of 10,000,000 (issue 16)', () => {
      for (const v of ['A', 'B', 'C']) journal.append(alice, 'q1', v);
      journal.markAckedUpTo(alice, 1);
      const suspicious = journal.adoptServerState(alice, 10_000_000, [
        { itemId: 'q1', value: 'X', flagged: false, seq: 10_000_000 },
      ]);
      expect(suspicious).toBe(true);
      // Nothing this machine has not had acknowledged is gone, and it is still to be sent.
      expect(journal.unacked(alice, 10).map((c) => [c.seq, c.value])).toEqual([
        [2, 'B'],
        [3, 'C'],
      ]);
      expect(journal.ackSeq(alice)).toBe(1);
      // The same claim is honest with nothing waiting (a reset onto this machine).
      expect(journal.adoptServerState(bob, 10_000_000, [])).toBe(false);
    });

    it('never reuses a sequence the server holds, even above its contiguous ack', () => {
      journal.adoptServerState(alice, 3, [{ itemId: 'q1', value: 'A', flagged: false, seq: 9 }]);
      expect(journal.nextSeq(alice)).toBe(10);
    });
  });

  describe('session', () => {
    const profile: CandidateProfile = {
      ticketNo: '1001',
      name: '张三',
      level: 'junior',
      specialty: '金融',
      photoPng: '',
      seatNo: 3,
      roomName: 'Room 1',
    };
    const sitting: SittingView = {
      sittingId: 'S1',
      subjectCode: 'JJ1',
      subjectName: '经济基础知识',
      level: 'junior',
      phase: 'running',
      scheduledStart: 0,
      startedAt: 0,
      endsAt: 5_400_000,
      earliestHandInAt: 4_500_000,
      handedInAt: null,
      serverNow: 10,
    };
    const session: StoredSession = {
      serverUrl: 'http://127.0.0.1:1',
      sessionToken: 'x'.repeat(43),
      ticketNo: '1001',
      sittingId: 'S1',
      profile,
      sitting,
      sealedPaper: 'sealed',
      paperProof: null,
    };

    it('survives a reopen, and clearing it keeps the answers', () => {
      journal.saveSession(session);
      journal.append(alice, 'q1', 'A');
      journal.close();
      journal = AnswerJournal.open(path);
      expect(journal.loadSession()).toEqual(session);
      journal.clearSession();
      expect(journal.loadSession()).toBeNull();
      expect(journal.pendingCount(alice)).toBe(1);
    });

    it('replaces the previous session rather than keeping two', () => {
      journal.saveSession(session);
      journal.saveSession({ ...session, sessionToken: 'y'.repeat(43) });
      expect(journal.loadSession()?.sessionToken).toBe('y'.repeat(43));
    });

    describe('moving on to the next sitting', () => {
      const carol: SittingRef = { ticketNo: '2001', sittingId: 'S2' };
      const next: StoredSession = {
        ...session,
        sessionToken: 'z'.repeat(43),
        ticketNo: carol.ticketNo,
        sittingId: carol.sittingId,
      };

      it('keeps every unacknowledged change of the retired session, across a reopen, and drops the acknowledged', () => {
        journal.saveSession(session);
        for (const v of ['A', 'B', 'C']) journal.append(alice, 'q1', v);
        journal.markAckedUpTo(alice, 1);
        expect(journal.retireSession()).toEqual({
          ...alice,
          sessionToken: session.sessionToken,
          serverUrl: session.serverUrl,
          retiredAt: 1_000,
        });
        expect(journal.loadSession()).toBeNull();
        journal.close();
        journal = AnswerJournal.open(path, { now: () => 1_000 });
        expect(journal.retiredSessions().map((r) => r.sessionToken)).toEqual([session.sessionToken]);
        expect(journal.unacked(alice, 10).map((c) => [c.seq, c.value])).toEqual([
          [2, 'B'],
          [3, 'C'],
        ]);
        expect(journal.currentAnswers(alice).map((a) => a.seq)).toEqual([3]);
        expect(journal.retiredPendingCount()).toBe(2);
      });

      it('keeps a retired session while any change is unacknowledged, and forgets it with them once all are', () => {
        journal.saveSession(session);
        for (const v of ['A', 'B']) journal.append(alice, 'q1', v);
        journal.retireSession();
        journal.saveSession(next);
        journal.append(carol, 'q9', 'D');
        journal.markAckedUpTo(alice, 1);
        expect(journal.settleRetired(alice)).toBe(false);
        expect(journal.retiredSessions()).toHaveLength(1);
        journal.markAckedUpTo(alice, 2);
        expect(journal.settleRetired(alice)).toBe(true);
        expect(journal.retiredSessions()).toEqual([]);
        expect(journal.currentAnswers(alice)).toEqual([]);
        expect(journal.retiredPendingCount()).toBe(0);
        // The next candidate's session and answers are untouched.
        expect(journal.loadSession()?.ticketNo).toBe(carol.ticketNo);
        expect(journal.unacked(carol, 10).map((c) => c.value)).toEqual(['D']);
        expect(journal.nextSeq(carol)).toBe(2);
      });

      it('retires nothing when the server has every change, and keeps an older session’s unacknowledged changes', () => {
        // Bob was released by a reset earlier: his unsent change stays for the proctor.
        journal.append(bob, 'q1', 'B');
        journal.saveSession(session);
        journal.append(alice, 'q1', 'A');
        journal.markAckedUpTo(alice, 1);
        expect(journal.retireSession()).toBeNull();
        expect(journal.retiredSessions()).toEqual([]);
        expect(journal.currentAnswers(alice)).toEqual([]);
        expect(journal.unacked(bob, 10).map((c) => c.value)).toEqual(['B']);
      });

      it('lists retired sessions oldest first', () => {
        let now = 1_000;
        const j = AnswerJournal.open(join(dir, 'order.db'), { now: () => now });
        try {
          j.saveSession(session);
          j.append(alice, 'q1', 'A');
          j.retireSession();
          now = 2_000;
          j.saveSession(next);
          j.append(carol, 'q1', 'C');
          j.retireSession();
          expect(j.retiredSessions().map((r) => [r.ticketNo, r.retiredAt])).toEqual([
            [alice.ticketNo, 1_000],
            [carol.ticketNo, 2_000],
          ]);
        } finally {
          j.close();
        }
      });

      it('takes a retired session back as the current one when the same candidate and sitting log in again', () => {
        journal.saveSession(session);
        journal.append(alice, 'q1', 'A');
        journal.retireSession();
        journal.saveSession(session);
        expect(journal.retiredSessions()).toEqual([]);
        expect(journal.pendingCount(alice)).toBe(1);
      });
    });
  });
});
