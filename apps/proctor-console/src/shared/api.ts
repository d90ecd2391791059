import type {
  CandidateDetail,
  CandidateTile,
  EndChecklist,
  EndResult,
  ExtendRequest,
  ExtendResult,
  MachineTile,
  RoomAlert,
  RoomSittingView,
  StartResult,
  ViolationRequest,
} from '@exam/protocol';

/**
 * The one bridge between the console's host (Electron main, or the web host in tests) and
 * its renderer. Types only, so the renderer can import it without pulling in Node code.
 */
export interface HostError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
export type HostResult<T> = { ok: true; value: T } | { ok: false; error: HostError };

export interface SignedInAs {
  holder: string;
  role: 'proctor' | 'chief';
  siteId: string;
  roomId: string;
  serverUrl: string;
}

export type SessionState =
  | { phase: 'signed-out'; serverUrl: string; error?: HostError }
  | { phase: 'signing-in'; serverUrl: string }
  | { phase: 'signed-in'; as: SignedInAs; connected: boolean };

export interface RoomInfo {
  roomId: string;
  roomName: string;
  seats: number;
  sittings: RoomSittingView[];
}

export const HISTORY_KINDS = Object.freeze([
  'status',
  'online',
  'offline',
  'seat',
  'relogin',
  'reset',
  'extension',
  'absent',
  'violation',
  'notice',
  'alert',
  // From the site's audit trail (candidate detail): what this console may not have seen.
  'login',
  'unabsent',
  'noticeAck',
  'handedIn',
  'loginOpened',
  'started',
  'ended',
  'audit',
] as const);
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** One line of a candidate's event history: as this console saw it, or from the site's audit trail. */
export interface HistoryEntry {
  id: number;
  at: number;
  ticketNo: string | null;
  sittingId: string | null;
  kind: HistoryKind;
  params: Record<string, string | number | boolean | null>;
}

/**
 * A machine asking to join a seat of this room (issue 16), as the console shows it: the
 * fingerprint as people compare it with the machine's screen ("3F2A-91C0-7D11-0B9E"), and
 * the seat's current machine, which approving this one would retire.
 */
export interface JoinRequestView {
  fingerprint: string;
  fingerprintText: string;
  seatNo: number;
  remoteAddress: string;
  clientVersion: string;
  requestedAt: number;
  /** The fingerprint (as people read it) of the machine approved for that seat now, if any. */
  replaces: string | null;
}

/** A candidate as the identity check needs them, with their audit trail as history lines. */
export type CandidateDetailView = Omit<CandidateDetail, 'history'> & { history: HistoryEntry[] };

/** Pushed by the host: the session, a full room picture once, then deltas. */
export type HostPush =
  | { type: 'session'; session: SessionState }
  | {
      type: 'full';
      serverNow: number;
      room: RoomInfo;
      tiles: CandidateTile[];
      machines: MachineTile[];
      alerts: RoomAlert[];
      joinRequests: JoinRequestView[];
      history: HistoryEntry[];
    }
  | {
      type: 'delta';
      serverNow: number;
      room?: RoomInfo;
      tiles?: CandidateTile[];
      machines?: MachineTile[];
      alerts?: RoomAlert[];
      joinRequests?: JoinRequestView[];
      history?: HistoryEntry[];
    };

export interface SignInRequest {
  serverUrl: string;
  keyFile: string;
  pin: string;
  /** Only for the chief examiner's key, which names no room. */
  roomId?: string;
}

/** Every command the renderer may ask of the host: [arguments, result]. */
export interface Commands {
  signIn: [SignInRequest, SignedInAs];
  chooseKeyFile: [Record<string, never>, string | null];
  openLogin: [{ sittingId: string }, { loginOpenedAt: number }];
  start: [{ sittingId: string; reason?: string; code?: string }, StartResult];
  checklist: [{ sittingId: string }, EndChecklist];
  end: [{ sittingId: string }, EndResult];
  reset: [{ sittingId: string; ticketNo: string; reason: string }, { resetAt: number }];
  extend: [ExtendRequest, ExtendResult];
  setAbsent: [{ sittingId: string; ticketNo: string; absent: boolean }, { status: string }];
  recordViolation: [ViolationRequest, { violationId: number }];
  sendNotice: [
    { sittingId: string; text: string; ticketNo?: string },
    { noticeId: number; recipients: number },
  ];
  candidateDetail: [{ sittingId: string; ticketNo: string }, CandidateDetailView];
  /** Approves a machine that asked to join, for a seat; the seat's earlier machine is retired. */
  approveMachine: [
    { fingerprint: string; seatNo: number },
    { approvedAt: number; retiredFingerprint: string | null },
  ];
  refuseMachine: [{ fingerprint: string }, { refusedAt: number }];
  /** The room report PDF; kept in the console's data folder too when it has one. */
  roomReport: [{ sittingId: string }, { fileName: string; pdfBase64: string; savedTo: string | null }];
  /** The replica as a signed, encrypted backup package, written to the console's data folder. */
  exportBackup: [Record<string, never>, { savedTo: string; changes: number }];
  /** Electron: a saved report opened in the PDF reader, or a backup shown in its folder. */
  openSaved: [{ path: string; how: 'open' | 'reveal' }, { opened: true }];
  /** A saved report or backup read back (web mode downloads it). */
  readSaved: [{ path: string }, { fileName: string; base64: string }];
}
export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K][0];
export type CommandResult<K extends CommandName> = Commands[K][1];

export const COMMAND_NAMES = Object.freeze([
  'signIn',
  'chooseKeyFile',
  'openLogin',
  'start',
  'checklist',
  'end',
  'reset',
  'extend',
  'setAbsent',
  'recordViolation',
  'sendNotice',
  'candidateDetail',
  'approveMachine',
  'refuseMachine',
  'roomReport',
  'exportBackup',
  'openSaved',
  'readSaved',
] as const satisfies readonly CommandName[]);

/**
 * The renderer's typed wrapper over the shell's bridge (`window.proctor` in Electron, the web
 * host's socket in a browser: the same shape), built once for both modes.
 */
export interface ProctorApi {
  readonly mode: 'electron' | 'web';
  invoke<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<HostResult<CommandResult<K>>>;
  /** The listener first receives the session and (when signed in) a full picture. */
  subscribe(listener: (push: HostPush) => void): () => void;
}

/** The key of the shell's bridge on the page (`window.proctor`) and the prefix of its IPC channels. */
export const BRIDGE_NAME = 'proctor';

/** The one push event of the console's bridge: the host's pushes carry their own type. */
export const HOST_PUSH = 'host';
