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
  TransferOutcome,
  TransferView,
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
  // Standalone mode (issue 17), from the audit trail.
  'standaloneExported',
  'standaloneCollected',
  'standaloneCancelled',
  // Overbooking (issue 19), from the audit trail.
  'seatAssigned',
  'transferOut',
  'transferIn',
  'transferResolved',
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

/**
 * Standalone mode (issue 17). An approved test machine of the site a package can be bound to,
 * its fingerprint also as people read it on the candidate's 单机考试 screen.
 */
export interface StandaloneMachineView {
  fingerprint: string;
  fingerprintText: string;
  machineId: string;
  roomId: string;
  seatNo: string | null;
  /** Bound to a live candidate session: picking it would take it from someone. */
  busy: boolean;
}

export type StandaloneState = 'exported' | 'collected' | 'cancelled';

/** One standalone package of the room, as `standalone:list` gives it. */
export interface StandalonePackageView {
  packageId: string;
  /** A room can hold two sittings of one candidate: the cancel consent names this one. */
  sittingId: string;
  ticketNo: string;
  name: string;
  targetMachineFingerprint: string;
  state: StandaloneState;
  exportedAt: string;
  consentBy: string;
  reason: string;
  collectedAt: string | null;
  collectedChanges: number;
  lastFileSeq: number;
  /** 'console': built at a console from its replica while the site was down, registered since. */
  builtBy?: 'site' | 'console';
  /** Online changes the site took after the package's last one: its answer files clash (see decision 0017). */
  onlineChangesAfterExport?: number;
}

/**
 * Offline export (decision 0017, amendment): whether this console could build a package from
 * its replica now, and the packages it built that the site has not registered yet.
 */
export interface StandaloneOfflineView {
  /** The site's kit (papers, ID checks, machines) is in the replica. */
  kitHeld: boolean;
  /** Sittings whose key this console holds in memory (since the start, until a restart). */
  sittingsWithKey: string[];
  /** Approved machines from the kit, for the offline target picker. */
  machines: StandaloneMachineView[];
  /** Offline packages waiting to be registered with the site, oldest first. */
  pendingRegistrations: { packageId: string; ticketNo: string; queuedAt: number }[];
  /** What the last registration sent from the queue came to. */
  lastRegistration: {
    packageId: string;
    at: number;
    onlineChangesAfterExport: number;
    error: HostError | null;
  } | null;
}

/** An answer file the console holds until the site server can take it (待回收). */
export interface QueuedAnswerFile {
  id: string;
  fileName: string;
  queuedAt: number;
}

/** What the console last did with a queued file once the server was back. */
export interface QueuedOutcome {
  fileName: string;
  at: number;
  result: StandaloneCollectResult | null;
  error: HostError | null;
}

export interface StandaloneCollectResult {
  packageId: string;
  ticketNo: string;
  merged: number;
  alreadyHeld: number;
  refusedAfterEnd: number;
  handedIn: boolean;
  state: 'exported' | 'collected';
}

/** A collection: merged now, or kept in the console's queue because the server is down. */
export type StandaloneCollectOutcome =
  | ({ queued: false } & StandaloneCollectResult)
  | { queued: true; fileName: string; pending: number };

/** The chief examiner's consent as the proctor presents it: read and used once by the host, never kept. */
export interface ChiefConsentInput {
  chiefKeyFile: string;
  chiefPin: string;
}

export interface StandaloneExportRequest extends ChiefConsentInput {
  sittingId: string;
  ticketNo: string;
  targetMachineFingerprint: string;
  reason: string;
  /** The folder the package is written to (a USB stick). */
  folder: string;
  /** 离线导出: built at this console from its replica, the site server being unreachable. */
  offline?: boolean;
}

export interface StandaloneExportResult {
  packageId: string;
  /** 'XXXX-XXXX-XXXX': shown once, never stored. */
  code: string;
  /** Where the package was written. */
  savedTo: string;
  /** Set when the chosen folder could not be written and the console's own folder was used. */
  folderError: string | null;
  /** Built offline: registered with the site as soon as it is back. */
  offline?: boolean;
}

export interface StandaloneCancelRequest extends ChiefConsentInput {
  sittingId: string;
  ticketNo: string;
  packageId: string;
  reason: string;
}

/** A candidate as the identity check needs them, with their audit trail as history lines. */
export type CandidateDetailView = Omit<CandidateDetail, 'history'> & { history: HistoryEntry[] };

/**
 * The room's latest backup (issue 18): made after the day's last sitting (`auto`) or by the
 * proctor's button, saved in the console's folder, then deposited with the site. `verified`
 * (已备份并校验): the site stored it and its hash matches the file saved here.
 */
export interface BackupView {
  state: 'making' | 'verified' | 'saved-not-deposited';
  auto: boolean;
  savedTo: string | null;
  changes: number;
  /** SHA-256 of the file, as the site confirmed it (verified) or as saved here. */
  sha256: string | null;
  /** Why it is not deposited (the site's refusal, or no connection). */
  error: { code: string; message: string } | null;
  at: number;
}

/** Pushed by the host: the session, a full room picture once, then deltas. */
export type HostPush =
  | { type: 'backup'; backup: BackupView }
  /** Overbooking (issue 19): the site's open transfers and every one out of or into this room. */
  | { type: 'transfers'; transfers: TransferView[] }
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
      /** The room's standalone packages and the answer files waiting for the server. */
      type: 'standalone';
      packages: StandalonePackageView[];
      queued: QueuedAnswerFile[];
      lastQueuedOutcome: QueuedOutcome | null;
      offline: StandaloneOfflineView;
    }
  | {
      type: 'delta';
      serverNow: number;
      room?: RoomInfo;
      tiles?: CandidateTile[];
      /** Tiles that left the room (`ticketNo:sittingId`): a candidate another room took in. */
      removed?: string[];
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
  exportBackup: [Record<string, never>, { savedTo: string; changes: number; backup: BackupView }];
  /** Electron: a saved report opened in the PDF reader, or a backup shown in its folder. */
  openSaved: [{ path: string; how: 'open' | 'reveal' }, { opened: true }];
  /** A saved report or backup read back (web mode downloads it). */
  readSaved: [{ path: string }, { fileName: string; base64: string }];
  /** Approved machines of the site a standalone package can be bound to. */
  standaloneMachines: [Record<string, never>, { machines: StandaloneMachineView[] }];
  /** Consent signed in the host, package exported by the site and written to the folder. */
  standaloneExport: [StandaloneExportRequest, StandaloneExportResult];
  standaloneCancel: [StandaloneCancelRequest, { packageId: string; state: 'cancelled' }];
  /** An answer file from a path: merged now, or queued while the server is down. */
  standaloneCollect: [{ path: string }, StandaloneCollectOutcome];
  /** Re-reads the room's packages (pushed as `standalone` too). */
  standaloneList: [Record<string, never>, { packages: StandalonePackageView[]; queued: QueuedAnswerFile[] }];
  /** Overbooking (issue 19): a random free seat for an arriving candidate; `exclude` on a redraw. */
  drawSeat: [
    { ticketNo: string; exclude?: number[] },
    { ticketNo: string; sittingId: string; seatNo: number; free: number },
  ];
  assignSeat: [{ ticketNo: string; seatNo: number }, { ticketNo: string; sittingId: string; seatNo: number }];
  transferOut: [{ ticketNo: string; reason: string }, { transfer: TransferView }];
  transferIn: [{ transferId: number }, { transfer: TransferView }];
  resolveTransfer: [
    { transferId: number; outcome: TransferOutcome; note: string },
    { transfer: TransferView },
  ];
  /** Re-reads the site's transfers (pushed as `transfers` too). */
  openTransfers: [Record<string, never>, { transfers: TransferView[] }];
  /** The room's part of the transfer report (应试人员跨考场调动单), kept in the console's folder. */
  transferReport: [{ sittingId: string }, { fileName: string; pdfBase64: string; savedTo: string | null }];
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
  'standaloneMachines',
  'standaloneExport',
  'standaloneCancel',
  'standaloneCollect',
  'standaloneList',
  'drawSeat',
  'assignSeat',
  'transferOut',
  'transferIn',
  'resolveTransfer',
  'openTransfers',
  'transferReport',
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
