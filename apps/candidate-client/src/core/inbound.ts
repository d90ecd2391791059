import {
  answerValueSchema,
  type HandedIn,
  type LoginResult,
  type Notice,
  type SaveResult,
  type ServerAnswer,
  type SittingStarted,
  type SittingView,
} from '@exam/protocol';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';

/**
 * Checks on what the server sends (ARCHITECTURE §5). `packages/protocol` has schemas for
 * client-to-server messages only, so the fields this core relies on are checked here by
 * hand; everything else is passed through as the protocol's type.
 */
type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isTimeOrNull = (x: unknown) => x === null || isTime(x);
const isSeq = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

function bad(what: string): CoreError {
  return new CoreError(LOCAL_ERROR_CODES.BAD_REPLY, `The server sent a malformed ${what}.`);
}

export function isSittingView(x: unknown): x is SittingView {
  return (
    isObj(x) &&
    isStr(x.sittingId) &&
    isStr(x.phase) &&
    isTime(x.serverNow) &&
    isTimeOrNull(x.startedAt) &&
    isTimeOrNull(x.endsAt) &&
    isTimeOrNull(x.earliestHandInAt) &&
    isTimeOrNull(x.handedInAt)
  );
}

function isServerAnswer(x: unknown): x is ServerAnswer {
  return (
    isObj(x) &&
    isStr(x.itemId) &&
    typeof x.flagged === 'boolean' &&
    isSeq(x.seq) &&
    x.seq > 0 &&
    answerValueSchema.safeParse(x.value).success
  );
}

/** A login or resume result; its answers are written to the journal, so each is checked. */
export function parseLoginResult(x: unknown): LoginResult {
  if (
    !isObj(x) ||
    !isStr(x.sessionToken) ||
    !isObj(x.candidate) ||
    !isStr(x.candidate.ticketNo) ||
    !isSittingView(x.sitting) ||
    !isStr(x.sealedPaper) ||
    !(x.sittingKey === null || isStr(x.sittingKey)) ||
    !isSeq(x.ackSeq) ||
    !Array.isArray(x.answers) ||
    !x.answers.every(isServerAnswer) ||
    !(Array.isArray(x.notices) && x.notices.every(isNotice))
  ) {
    throw bad('login result');
  }
  return x as unknown as LoginResult;
}

export function isNotice(x: unknown): x is Notice {
  return (
    isObj(x) &&
    typeof x.noticeId === 'number' &&
    Number.isInteger(x.noticeId) &&
    isStr(x.text) &&
    x.text.length <= 2000 &&
    isTime(x.at)
  );
}

export function isSittingStarted(x: unknown): x is SittingStarted {
  return isObj(x) && isSittingView(x.sitting) && isStr(x.sittingKey);
}

export function isHandedIn(x: unknown): x is HandedIn {
  return isObj(x) && isStr(x.sittingId) && isTime(x.handedInAt) && (x.kind === 'manual' || x.kind === 'auto');
}

export function parseSaveResult(x: unknown): SaveResult {
  if (!isObj(x) || !isSeq(x.ackSeq)) throw bad('save acknowledgement');
  return { ackSeq: x.ackSeq };
}

export function parseHandedIn(x: unknown): HandedIn {
  if (!isHandedIn(x)) throw bad('hand-in acknowledgement');
  return x;
}

export function parseServerNow(x: unknown): number {
  if (!isObj(x) || !isTime(x.serverNow)) throw bad('time sample');
  return x.serverNow;
}

/** machine:register's reply: the room's name for the header, the sittings taking logins. */
export function parseRegistered(x: unknown): { roomName: string; loginOpen: string[] } {
  if (!isObj(x) || !isStr(x.roomName) || !isLoginOpen(x)) throw bad('registration reply');
  return { roomName: x.roomName, loginOpen: x.loginOpen };
}

function isLoginOpen(x: Obj): x is Obj & { loginOpen: string[] } {
  return Array.isArray(x.loginOpen) && x.loginOpen.every(isStr);
}

/** room:loginOpen's payload: the room's sittings whose login is open now. */
export function isLoginOpenPush(x: unknown): x is { sittingIds: string[] } {
  return isObj(x) && Array.isArray(x.sittingIds) && x.sittingIds.every(isStr);
}
