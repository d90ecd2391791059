import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Credential, createExamPki, type SealedPaper, sealPaper } from '@exam/centre';
import { machineFingerprint, verifyMachineProof } from '@exam/crypto';
import {
  type CandidateContract,
  type CandidateEvent,
  candidateContract,
  machineProofText,
  onPush,
  type Paper,
  type ParsedPushOf,
  type ParsedReplyOf,
  type ParsedRequestOf,
  type PushName,
  type ReplyOf,
  type RequestOf,
  type SittingView,
} from '@exam/protocol';
import { testPki, testTrust } from '@exam/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CandidateCore, createCandidateCore } from './candidateCore.js';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';
import { AnswerJournal } from './journal.js';
import type { CoreLogger } from './logger.js';
import type { SessionSource, SessionSourceEvents } from './sessionSource.js';

/**
 * The seam, not the site: the core driven through a source that lives in memory. Every
 * other test of the core runs against the real site server; this one shows the core needs
 * nothing but a SessionSource, which a standalone package (issue 17) will also be.
 */

const SITTING = 'S-J-ECON';
const TICKET = '20260101001';

type Handlers = {
  [E in CandidateEvent]?: (payload: ParsedRequestOf<CandidateContract, E>) => ReplyOf<CandidateContract, E>;
};

/**
 * TEST DOUBLE: a fake of the site server's replies, in memory. It parses requests and
 * replies with the candidate contract and pushes through the contract's `onPush`, as a
 * real source must; what it answers is written by the test.
 */
class FakeSiteSource implements SessionSource {
  readonly origin = 'memory://fake-site';
  readonly requests: { event: CandidateEvent; payload: unknown }[] = [];
  private readonly connection = new EventEmitter();
  private readonly pushes = new EventEmitter();
  private connected = false;

  constructor(private readonly handlers: Handlers) {}

  on<K extends keyof SessionSourceEvents>(event: K, listener: SessionSourceEvents[K]): void {
    this.connection.on(event, listener);
  }

  connect(): void {
    queueMicrotask(() => {
      this.connected = true;
      this.connection.emit('connect');
    });
  }

  disconnect(): void {
    this.connected = false;
    this.connection.removeAllListeners();
    this.pushes.removeAllListeners();
  }

  retryLater(): void {
    throw new Error(`the fake site refused nothing, yet the core asked to retry`);
  }

  established(): void {}

  async request<E extends CandidateEvent>(
    event: E,
    payload: RequestOf<CandidateContract, E>,
  ): Promise<ParsedReplyOf<CandidateContract, E>> {
    if (!this.connected) throw new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'Not connected.');
    const contract = candidateContract.requests[event] as CandidateContract['requests'][E];
    const parsed = contract.request.parse(payload) as ParsedRequestOf<CandidateContract, E>;
    this.requests.push({ event, payload: parsed });
    const handler = this.handlers[event];
    if (!handler) throw new Error(`the fake site has no reply for ${event}`);
    return contract.reply.parse(handler(parsed)) as ParsedReplyOf<CandidateContract, E>;
  }

  onPush<E extends PushName<CandidateContract>>(
    event: E,
    apply: (payload: ParsedPushOf<CandidateContract, E>) => void,
    onMalformed: (event: E, issues: string[]) => void,
  ): void {
    onPush(candidateContract, this.pushes, event, apply, onMalformed);
  }

  /** What the site server would push; `unknown` so a test can send a malformed one. */
  push(event: PushName<CandidateContract>, payload: unknown): void {
    this.pushes.emit(event, payload);
  }
}

const paper: Paper = {
  paperId: 'P1',
  subjectCode: 'ECON',
  title: 'Economics',
  instructions: '',
  cases: [],
  items: [
    {
      id: 'q1',
      kind: 'single',
      stem: 'Pick one',
      points: 1,
      options: [
        { key: 'A', text: 'a' },
        { key: 'B', text: 'b' },
      ],
    },
  ],
};

let dir: string;
let core: CandidateCore | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'session-source-'));
});

afterEach(() => {
  core?.close();
  core = null;
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const APPROVED = {
  roomId: 'R1',
  seatNo: 1,
  siteName: 'Site',
  roomName: 'Room 1',
  serverNow: Date.now(),
  loginOpen: [SITTING],
};

/** A sealed paper as a login reply carries it: the sealed text and the centre's proof. */
function signed({ sealed, sittingId: _sitting, ...proof }: SealedPaper) {
  return { sealedPaper: sealed, paperProof: proof };
}

/**
 * A fake site with one running sitting whose key comes with the login. It checks the
 * machine's proof as the site does; `admission` is what it says of a machine that proved.
 */
function fakeSite(
  admission: 'approved' | 'unknown' = 'approved',
  paperSigner: Credential = testPki().centre,
): FakeSiteSource {
  let hello: { publicKey: string; challenge: string } | null = null;
  const now = Date.now();
  const key = randomBytes(32);
  const sitting: SittingView = {
    sittingId: SITTING,
    subjectCode: 'ECON',
    subjectName: 'Economics',
    level: 'junior',
    phase: 'running',
    scheduledStart: now,
    startedAt: now,
    endsAt: now + 3_600_000,
    earliestHandInAt: now + 1_800_000,
    handedInAt: null,
    serverNow: now,
  };
  return new FakeSiteSource({
    'machine:hello': ({ publicKey }) => {
      hello = { publicKey, challenge: randomBytes(32).toString('base64') };
      return { challenge: hello.challenge, siteId: 'SITE-1' };
    },
    'machine:prove': ({ signature }) => {
      if (!hello) throw new Error('prove before hello');
      const text = machineProofText('SITE-1', hello.challenge);
      if (!verifyMachineProof(hello.publicKey, text, signature)) throw new Error('a forged proof');
      const fingerprint = machineFingerprint(hello.publicKey);
      return admission === 'approved'
        ? { status: 'approved', fingerprint, ...APPROVED, serverNow: Date.now() }
        : { status: 'unknown', fingerprint };
    },
    'machine:join': ({ roomId, seatNo }) => ({
      status: 'pending',
      roomId,
      seatNo,
      fingerprint: machineFingerprint(hello?.publicKey ?? ''),
    }),
    'time:sync': () => ({ serverNow: Date.now() }),
    'candidate:login': () => ({
      sessionToken: 'fake-session-token-0001',
      candidate: {
        ticketNo: TICKET,
        name: '张三',
        level: 'junior',
        specialty: 'Economics',
        photoPng: '',
        seatNo: 1,
        roomName: 'Room 1',
      },
      sitting: { ...sitting, serverNow: Date.now() },
      ...signed(sealPaper(paper, SITTING, key, paperSigner)),
      sittingKey: key.toString('base64'),
      ackSeq: 0,
      answers: [],
      notices: [],
    }),
    'answer:save': ({ changes }) => ({ ackSeq: Math.max(...changes.map((c) => c.seq)) }),
  });
}

function recordingLogger(warnings: string[]): CoreLogger {
  const nothing = () => {};
  return { debug: nothing, info: nothing, error: nothing, warn: (_obj, msg) => warnings.push(msg ?? '') };
}

describe('a candidate core whose session comes from a source', () => {
  it('logs in, has a save acknowledged, applies a push and drops a malformed one, with nothing but the source', async () => {
    const source = fakeSite();
    const warnings: string[] = [];
    core = createCandidateCore({
      source,
      trust: testTrust(),
      journalPath: join(dir, 'journal.db'),
      clientVersion: '0.1.0',
      logger: recordingLogger(warnings),
    });
    const c = core;
    await waitFor('connected', () => c.status().connected);

    const { candidate } = await c.login(TICKET, '110101199001011234');
    expect(candidate.ticketNo).toBe(TICKET);
    expect(c.status().phase).toBe('answering');

    c.saveAnswer('q1', 'A');
    await waitFor('the save acknowledged', () => c.status().pending === 0);
    expect(c.status().ackSeq).toBe(1);
    expect(source.requests.map((r) => r.event)).toContain('answer:save');

    source.push('notice', { noticeId: 7, text: '请保持安静', at: Date.now() });
    expect(c.notices().map((n) => n.noticeId)).toEqual([7]);

    source.push('notice', { noticeId: 'eight', text: 42 });
    expect(c.notices().map((n) => n.noticeId)).toEqual([7]);
    expect(warnings).toContain('malformed push dropped');
  });

  it('stops on SESSION_REPLACED: a clear revoked state, no more saves, its unsent changes kept on disk', async () => {
    const source = fakeSite();
    // The site is unreachable for saves: the change stays unacknowledged in the journal.
    (source as unknown as { handlers: Handlers }).handlers['answer:save'] = () => {
      throw new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'Not connected.');
    };
    const journalPath = join(dir, 'journal.db');
    core = createCandidateCore({ source, trust: testTrust(), journalPath, clientVersion: '0.1.0' });
    const c = core;
    await waitFor('connected', () => c.status().connected);
    await c.login(TICKET, '110101199001011234');
    const revoked: string[] = [];
    c.on('revoked', ({ reason }) => revoked.push(reason));
    c.saveAnswer('q1', 'B');
    source.push('session:replaced', { sittingId: SITTING });
    expect(revoked).toEqual(['SESSION_REPLACED']);
    expect(c.status().phase).toBe('revoked');
    expect(() => c.saveAnswer('q1', 'A')).toThrow(CoreError);
    c.close();
    core = null;
    const journal = AnswerJournal.open(journalPath);
    try {
      expect(journal.unacked({ ticketNo: TICKET, sittingId: SITTING }, 10).map((ch) => ch.value)).toEqual([
        'B',
      ]);
    } finally {
      journal.close();
    }
  });

  it("keeps a rogue site's paper shut: one not signed by the exam centre is never shown", async () => {
    // A rogue server with its own root seals a paper of its own and sends its own key.
    const rogue = createExamPki('SITE-T').centre;
    core = createCandidateCore({
      source: fakeSite('approved', rogue),
      trust: testTrust(),
      journalPath: join(dir, 'journal.db'),
      clientVersion: '0.1.0',
    });
    const c = core;
    await waitFor('connected', () => c.status().connected);
    await c.login(TICKET, '110101199001011234');
    await waitFor('the paper refused', () => c.status().paperRefused);
    expect(c.paper()).toBeNull();
    expect(c.status().phase).not.toBe('answering');
  });

  it('proves its key first, and logs nobody in before the proctor approves the machine', async () => {
    const source = fakeSite('unknown');
    core = createCandidateCore({
      source,
      trust: testTrust(),
      journalPath: join(dir, 'journal.db'),
      roomId: 'R1',
      seatNo: 3,
      clientVersion: '0.1.0',
    });
    const c = core;
    await waitFor('the site heard the machine', () => c.status().linked);
    expect(source.requests.map((r) => r.event)).toEqual(['machine:hello', 'machine:prove']);
    expect(c.status()).toMatchObject({ connected: false, machine: { stage: 'unknown', seatNo: null } });
    await expect(c.login(TICKET, '110101199001011234')).rejects.toMatchObject({ code: 'OFFLINE' });

    const pending = await c.join('R1', 3);
    expect(pending).toMatchObject({ stage: 'pending', roomId: 'R1', seatNo: 3 });
    expect(pending.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    // The proctor approves on the console: the machine goes on by itself, on this connection.
    source.push('machine:approved', { ...APPROVED, seatNo: 3, serverNow: Date.now() });
    await waitFor('set up after approval', () => c.status().connected);
    expect(c.status().machine).toMatchObject({ stage: 'approved', roomId: 'R1', seatNo: 3 });
    expect(c.roomName()).toBe('Room 1');
    expect(source.requests.map((r) => r.event)).toEqual([
      'machine:hello',
      'machine:prove',
      'machine:join',
      'time:sync',
    ]);
  });

  it('goes back to asking when the proctor refuses the request', async () => {
    const source = fakeSite('unknown');
    core = createCandidateCore({
      source,
      trust: testTrust(),
      journalPath: join(dir, 'journal.db'),
      clientVersion: '0.1.0',
    });
    const c = core;
    await waitFor('the site heard the machine', () => c.status().linked);
    await c.join('R1', 2);
    source.push('machine:refused', {});
    expect(c.status().machine).toMatchObject({ stage: 'refused', seatNo: null });
    expect(c.status().connected).toBe(false);
  });
});
