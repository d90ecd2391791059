import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { canonicalJson, sha256Hex } from '@exam/crypto';
import {
  type CandidateContract,
  type CandidateEvent,
  candidateContract,
  ERROR_CODES,
  type HandedIn,
  type LoginResult,
  onPush,
  type ParsedPushOf,
  type ParsedReplyOf,
  type ParsedRequestOf,
  type PushName,
  type ReplyOf,
  type RequestOf,
  type SittingView,
  type StandaloneAnswerFile,
  type StandaloneHandIn,
  type StandalonePackageContent,
} from '@exam/protocol';
import { idNumberMatches, standaloneAnswerFileName } from '@exam/standalone';
import { type MonotonicSource, systemMonotonic } from '../clock.js';
import { CoreError, LOCAL_ERROR_CODES } from '../errors.js';
import type { StoredStandalonePackage, WrittenAnswerFile } from '../journal/standaloneTable.js';
import type { SittingRef } from '../journal/types.js';
import { type CoreLogger, silentLogger } from '../logger.js';
import type { MachineKey } from '../machineKey.js';
import type { SessionSource, SessionSourceEvents } from '../sessionSource.js';
import { existsInAny, writeNewFileDurably } from './durableFile.js';
import { StandaloneCount } from './standaloneClock.js';
import type { StandaloneStore } from './standaloneStore.js';

export interface StandaloneSourceOptions {
  store: StandaloneStore;
  packageId: string;
  machineKey: MachineKey;
  /** The client's data folder: every answer file goes there as well as beside the package. */
  dataDir: string;
  monotonicNow?: MonotonicSource;
  /** How often time-up and the checkpoint are looked at, in real ms. */
  tickMs?: number;
  /** How often the count is written to the journal (ARCHITECTURE: at most this much is lost). */
  checkpointMs?: number;
  logger?: CoreLogger;
  /** Each answer file written (at hand-in, automatic hand-in, or the proctor's demand). */
  onAnswerFile?: (file: WrittenAnswerFile) => void;
}

type Handlers = {
  [E in CandidateEvent]: (payload: ParsedRequestOf<CandidateContract, E>) => ReplyOf<CandidateContract, E>;
};

/** A photo in the package is a data URL; the profile carries a PNG's base64 only. */
function photoPngOf(photo: string | null): string {
  const prefix = 'data:image/png;base64,';
  return photo?.startsWith(prefix) ? photo.slice(prefix.length) : '';
}

/**
 * The candidate's session from a standalone package (issue 17), with no network: it answers
 * the candidate contract's requests as the site server would, from the opened package and
 * the journal. The package's changes are the server's answers (ackSeq = highestSeq), so new
 * changes continue from highestSeq + 1, journalled by the core exactly as online and
 * acknowledged here once journalled. The sitting clock is the package's issuedAt plus the
 * machine's count (StandaloneCount), so the core's count-down, earliest hand-in, reminders
 * and automatic hand-in run as online. Each hand-in writes an answer file.
 */
export class StandaloneSessionSource implements SessionSource {
  readonly origin: string;
  private readonly connection = new EventEmitter();
  private readonly pushes = new EventEmitter();
  private readonly content: StandalonePackageContent;
  private readonly issuedAtMs: number;
  private readonly count: StandaloneCount;
  private readonly log: CoreLogger;
  private readonly handlers: Handlers;
  private readonly sessionToken: string;
  private ticker: NodeJS.Timeout | null = null;
  private lastCheckpoint = 0;
  private connected = false;
  private alertIds = 0;

  constructor(private readonly o: StandaloneSourceOptions) {
    const stored = this.stored();
    this.content = stored.content;
    this.origin = `standalone://${stored.packageId}`;
    this.issuedAtMs = Date.parse(stored.content.issuedAt);
    this.log = o.logger ?? silentLogger;
    this.count = new StandaloneCount(stored.elapsedMs, o.monotonicNow ?? systemMonotonic);
    if (stored.started && !stored.handIn) this.count.start();
    this.sessionToken = `standalone-${stored.packageId}`;
    this.handlers = this.makeHandlers();
  }

  get packageId(): string {
    return this.content.packageId;
  }

  /** The package as the journal holds it now (hand-in, last answer file). */
  stored(): StoredStandalonePackage {
    const p = this.o.store.get(this.o.packageId);
    if (!p)
      throw new CoreError(LOCAL_ERROR_CODES.STANDALONE_NONE, 'No such standalone package on this machine.');
    return p;
  }

  /** The count since issuedAt, as the answer file's elapsedMs reads it. */
  elapsedMs(): number {
    return this.count.elapsedMs();
  }

  on<K extends keyof SessionSourceEvents>(event: K, listener: SessionSourceEvents[K]): void {
    this.connection.on(event, listener);
  }

  connect(): void {
    if (!this.ticker) {
      this.ticker = setInterval(() => this.tick(), this.o.tickMs ?? 200);
      this.ticker.unref();
    }
    queueMicrotask(() => {
      if (this.connected || !this.ticker) return;
      this.connected = true;
      this.connection.emit('connect');
    });
  }

  disconnect(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    if (this.count.running) this.o.store.checkpoint(this.packageId, this.count.elapsedMs());
    this.connected = false;
    this.connection.removeAllListeners();
    this.pushes.removeAllListeners();
  }

  /** Nothing here refuses for a reason a retry mends; the core asks only after a failed set-up. */
  retryLater(): void {
    this.log.warn({}, 'standalone set-up failed');
  }

  established(): void {}

  async request<E extends CandidateEvent>(
    event: E,
    payload: RequestOf<CandidateContract, E>,
  ): Promise<ParsedReplyOf<CandidateContract, E>> {
    if (!this.connected) throw new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'The standalone session is closed.');
    const contract = candidateContract.requests[event] as CandidateContract['requests'][E];
    const parsed = contract.request.safeParse(payload);
    if (!parsed.success) throw new CoreError(ERROR_CODES.INVALID_MESSAGE, `Malformed ${event}.`);
    const handler = this.handlers[event] as (p: unknown) => unknown;
    return contract.reply.parse(handler(parsed.data)) as ParsedReplyOf<CandidateContract, E>;
  }

  onPush<E extends PushName<CandidateContract>>(
    event: E,
    apply: (payload: ParsedPushOf<CandidateContract, E>) => void,
    onMalformed: (event: E, issues: string[]) => void,
  ): void {
    onPush(candidateContract, this.pushes, event, apply, onMalformed);
  }

  /**
   * Writes an answer file now: every change above the package's highestSeq with its
   * elapsedMs, and the hand-in if there was one. Its fileSeq is taken (committed) first, so a
   * crash mid-write never reuses it; it goes to the data folder and beside the package.
   */
  writeAnswerFile(): WrittenAnswerFile {
    const stored = this.stored();
    const c = this.content;
    const dirs = [...new Set([this.o.dataDir, stored.sourceDir])];
    let fileSeq: number;
    let fileName: string;
    do {
      fileSeq = this.o.store.takeFileSeq(c.packageId);
      fileName = standaloneAnswerFileName(c.candidate.ticketNo, c.packageId, fileSeq);
    } while (existsInAny(dirs, fileName));
    const content: StandaloneAnswerFile = {
      formatVersion: 1,
      packageId: c.packageId,
      fileSeq,
      siteId: c.siteId,
      sittingId: c.sittingId,
      ticketNo: c.candidate.ticketNo,
      machineFingerprint: this.o.machineKey.fingerprint,
      writtenElapsedMs: this.count.elapsedMs(),
      changes: this.o.store.changesAbove(this.ref(), c.highestSeq).map((ch) => ({
        seq: ch.seq,
        itemId: ch.itemId,
        value: ch.value,
        flagged: ch.flagged,
        madeAt: ch.madeAt,
        elapsedMs: Math.max(0, ch.madeAt - this.issuedAtMs),
      })),
      handIn: stored.handIn,
    };
    const bytes = this.o.machineKey.sealAnswerFile(content, [
      c.answerRecipients.siteCertPem,
      c.answerRecipients.centreCertPem,
    ]);
    const file: WrittenAnswerFile = {
      fileSeq,
      fileName,
      written: [],
      failed: [],
      handIn: stored.handIn !== null,
    };
    for (const dir of dirs) {
      try {
        file.written.push(writeNewFileDurably(dir, fileName, bytes));
      } catch (e) {
        file.failed.push({ dir, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    this.o.store.recordFile(c.packageId, file);
    this.log.info(
      { packageId: c.packageId, fileSeq, changes: content.changes.length, written: file.written.length },
      'standalone answer file written',
    );
    this.o.onAnswerFile?.(file);
    return file;
  }

  private makeHandlers(): Handlers {
    const c = this.content;
    const approved = () => ({
      roomId: c.roomId,
      seatNo: 0,
      siteName: c.siteId,
      roomName: c.roomId,
      serverNow: this.now(),
      loginOpen: this.stored().handIn ? [] : [c.sittingId],
    });
    const saved = ({ changes }: { changes: { seq: number }[] }) => ({
      ackSeq: changes.reduce((m, ch) => Math.max(m, ch.seq), 0),
    });
    return {
      'machine:hello': () => ({ challenge: randomBytes(32).toString('base64'), siteId: c.siteId }),
      'machine:prove': () => ({
        status: 'approved',
        fingerprint: this.o.machineKey.fingerprint,
        ...approved(),
      }),
      'machine:join': () => {
        throw new CoreError(ERROR_CODES.NOT_ALLOWED_NOW, 'A standalone session has no seats to join.');
      },
      'time:sync': () => ({ serverNow: this.now() }),
      'candidate:login': ({ ticketNo, idNumber }) => {
        if (ticketNo !== c.candidate.ticketNo) {
          throw new CoreError(ERROR_CODES.UNKNOWN_TICKET, 'This package is for another candidate.');
        }
        if (!idNumberMatches(c.packageId, c.candidate, idNumber)) {
          throw new CoreError(ERROR_CODES.WRONG_ID_NUMBER, 'The ID number does not match the ticket.');
        }
        return this.loginResult();
      },
      'candidate:resume': ({ sessionToken }) => {
        if (sessionToken !== this.sessionToken || !this.stored().started) {
          throw new CoreError(ERROR_CODES.SESSION_INVALID, 'No such standalone session.');
        }
        return this.loginResult();
      },
      'answer:save': saved,
      'answer:deliver': saved,
      'exam:handIn': ({ sittingId }) => {
        if (sittingId !== c.sittingId) throw new CoreError(ERROR_CODES.UNKNOWN_SITTING, 'Another sitting.');
        return this.handIn(false);
      },
      'machine:check': () => ({ shortfalls: [] }),
      'client:alert': () => ({ id: ++this.alertIds }),
      'notice:ack': () => ({ acknowledgedAt: this.now() }),
    };
  }

  /** The login (or resume) reply; the first login starts the count. A handed-in session is over. */
  private loginResult(): ReplyOf<CandidateContract, 'candidate:login'> {
    const stored = this.stored();
    const c = this.content;
    if (stored.handIn) {
      throw new CoreError(ERROR_CODES.HANDED_IN, 'This paper has been handed in.', {
        handedInAt: this.issuedAtMs + stored.handIn.elapsedMs,
        kind: stored.handIn.auto ? 'auto' : 'manual',
      });
    }
    if (!stored.started) {
      this.o.store.markStarted(c.packageId);
      this.count.start();
    }
    // The server's answers: the latest change per item, without its time (serverAnswerSchema).
    const latest = new Map<string, LoginResult['answers'][number]>();
    for (const ch of c.changes) {
      latest.set(ch.itemId, { seq: ch.seq, itemId: ch.itemId, value: ch.value, flagged: ch.flagged });
    }
    const result: LoginResult = {
      sessionToken: this.sessionToken,
      candidate: {
        ticketNo: c.candidate.ticketNo,
        name: c.candidate.name,
        level: 'junior',
        specialty: c.sitting.subject ?? '',
        photoPng: photoPngOf(c.candidate.photo),
        seatNo: 0,
        roomName: c.roomId,
      },
      sitting: this.view(),
      sealedPaper: c.paper.sealed,
      paperProof: c.paper.proof,
      sittingKey: c.paper.sittingKey,
      ackSeq: c.highestSeq,
      answers: [...latest.values()],
      notices: [],
    };
    return result;
  }

  private view(): SittingView {
    const c = this.content;
    const endsAt = this.issuedAtMs + c.remainingMs;
    const handIn = this.stored().handIn;
    return {
      sittingId: c.sittingId,
      subjectCode: c.sitting.subject ?? '',
      subjectName: c.sitting.title,
      level: 'junior',
      phase: 'running',
      scheduledStart: this.issuedAtMs,
      startedAt: this.issuedAtMs,
      endsAt,
      earliestHandInAt:
        c.earliestHandInRemainingMs === null ? this.issuedAtMs : endsAt - c.earliestHandInRemainingMs,
      handedInAt: handIn ? this.issuedAtMs + handIn.elapsedMs : null,
      serverNow: this.now(),
    };
  }

  private handIn(auto: boolean): HandedIn {
    const c = this.content;
    const stored = this.stored();
    if (!stored.started) throw new CoreError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
    if (!stored.handIn) {
      const elapsedMs = this.count.elapsedMs();
      const remaining = c.remainingMs - elapsedMs;
      if (!auto && c.earliestHandInRemainingMs !== null && remaining > c.earliestHandInRemainingMs) {
        throw new CoreError(ERROR_CODES.TOO_EARLY, 'Hand-in is not allowed yet.', {
          earliestAt: this.issuedAtMs + c.remainingMs - c.earliestHandInRemainingMs,
        });
      }
      const handIn: StandaloneHandIn = {
        elapsedMs: Math.min(elapsedMs, c.remainingMs),
        auto,
        answersHash: this.answersHash(),
      };
      this.o.store.recordHandIn(c.packageId, handIn);
      this.o.store.checkpoint(c.packageId, elapsedMs);
      this.count.stop();
      this.writeAnswerFileSafely();
    }
    const h = this.stored().handIn!;
    return {
      sittingId: c.sittingId,
      handedInAt: this.issuedAtMs + h.elapsedMs,
      kind: h.auto ? 'auto' : 'manual',
    };
  }

  /** At a hand-in the record stands even if no folder took the file: the screen says so. */
  private writeAnswerFileSafely(): void {
    try {
      this.writeAnswerFile();
    } catch (e) {
      this.log.error(
        { err: e instanceof Error ? e.message : String(e) },
        'standalone answer file not written',
      );
    }
  }

  /**
   * SHA-256 of the final answers (item, value, flag, by item id) as canonical JSON: what the
   * candidate handed in, for the site to compare with what it merged.
   */
  private answersHash(): string {
    const answers = this.o.store
      .currentAnswers(this.ref())
      .map((a) => ({ itemId: a.itemId, value: a.value, flagged: a.flagged }));
    return sha256Hex(canonicalJson(answers));
  }

  private tick(): void {
    const stored = this.stored();
    if (!stored.started || stored.handIn) return;
    const elapsed = this.count.elapsedMs();
    if (elapsed >= this.content.remainingMs) {
      // Time is up: handed in as at the end, pushed as the site server pushes an automatic one.
      const h = this.handIn(true);
      this.pushes.emit('exam:handedIn', h);
      return;
    }
    if (elapsed - this.lastCheckpoint >= (this.o.checkpointMs ?? 1_000)) {
      this.o.store.checkpoint(this.packageId, elapsed);
      this.lastCheckpoint = elapsed;
    }
  }

  private now(): number {
    return this.issuedAtMs + this.count.elapsedMs();
  }

  private ref(): SittingRef {
    return { ticketNo: this.content.candidate.ticketNo, sittingId: this.content.sittingId };
  }
}
