import type { Paper } from '@exam/protocol';
import type { BridgeResult } from './result.js';
import type {
  AlertKind,
  AnswerEntry,
  AnswerFileView,
  CandidateState,
  Reminder,
  ScreenInfo,
  StandaloneHeaderView,
} from './state.js';

/**
 * The key of the shell's bridge on the page (`window.candidate`) and the prefix of its IPC
 * channels: the preload exposes it in Electron, the renderer installs it in a browser.
 */
export const BRIDGE_NAME = 'candidate';

/**
 * The requests the renderer can make of the host, and their results. The host implements
 * these (some synchronously); both carriers of the shell's bridge (Electron IPC, the web
 * host's socket) forward them by name, with their arguments as an array.
 */
export interface BridgeCalls {
  getState(): CandidateState;
  /** The opened paper, or null before the start command. */
  getPaper(): Paper | null;
  getAnswers(): AnswerEntry[];
  /** Asks the room's proctor to approve this machine for a seat (issue 16). */
  joinSeat(roomId: string, seatNo: number): Promise<BridgeResult<null>>;
  login(ticketNo: string, idNumber: string): Promise<BridgeResult<null>>;
  confirmLogin(): BridgeResult<null>;
  finishTypingTest(): BridgeResult<null>;
  setNoticeRead(read: boolean): BridgeResult<null>;
  enterExam(): BridgeResult<null>;
  /** Resolves once the change is durable (fsync'd) on this machine, not when the server has it. */
  saveAnswer(itemId: string, value: AnswerEntry['value'], flagged: boolean): BridgeResult<{ seq: number }>;
  handIn(): Promise<BridgeResult<{ at: number; kind: 'manual' | 'auto' }>>;
  /** "完成" on the end screen: the machine returns to its login screen for the next sitting. */
  finish(): BridgeResult<null>;
  reportAlert(kind: AlertKind, detail: string): BridgeResult<null>;
  /** "知道了" on a proctor's notice: it leaves the screen; the proctor sees the acknowledgement. */
  acknowledgeNotice(noticeId: number): BridgeResult<null>;
  /** Web mode only: the screen as the browser sees it, for the machine check. */
  reportScreen(screen: ScreenInfo): BridgeResult<null>;
  /** 单机考试, the proctor's step (issue 17): reads and checks the package at a path, all but the code. */
  standaloneInspect(path: string): BridgeResult<StandaloneHeaderView>;
  /** The authorization code for the package inspected last; five wrong ones lock the import. */
  standaloneOpen(code: string): BridgeResult<null>;
  /** The proctor went back from the import. */
  standaloneCancel(): BridgeResult<null>;
  /** The proctor's demand: write an answer file now. */
  standaloneWriteAnswerFile(): BridgeResult<AnswerFileView>;
}

export type BridgeMethod = keyof BridgeCalls;

/** The names, for the places that forward calls by name (IPC handlers, the web host). */
export const BRIDGE_METHODS = Object.freeze([
  'getState',
  'getPaper',
  'getAnswers',
  'joinSeat',
  'login',
  'confirmLogin',
  'finishTypingTest',
  'setNoticeRead',
  'enterExam',
  'saveAnswer',
  'handIn',
  'finish',
  'reportAlert',
  'acknowledgeNotice',
  'reportScreen',
  'standaloneInspect',
  'standaloneOpen',
  'standaloneCancel',
  'standaloneWriteAnswerFile',
] as const satisfies readonly BridgeMethod[]);

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/**
 * The renderer's typed wrapper over the shell's bridge (`renderer/bridge`), the same in both
 * modes: every call async, plus two subscriptions. A refused call rejects with its `code`.
 */
export type CandidateBridge = { [K in BridgeMethod]: Async<BridgeCalls[K]> } & {
  /** Pushed on every change and once a second; returns an unsubscribe function. */
  onState(listener: (state: CandidateState) => void): () => void;
  onReminder(listener: (reminder: Reminder) => void): () => void;
};

/** Push events from host to renderer. */
export interface BridgePushes {
  state: CandidateState;
  reminder: Reminder;
}
