import type {
  CandidateContract,
  CandidateEvent,
  ParsedPushOf,
  ParsedReplyOf,
  PushName,
  RequestOf,
} from '@exam/protocol';

/** What a source tells the core about its connection. */
export interface SessionSourceEvents {
  /** A connection is up: the core registers, syncs time and resumes on it. */
  connect: () => void;
  /** The connection went away, whoever dropped it; `reason` is for the log only. */
  disconnect: (reason: string) => void;
  /**
   * An attempt to connect failed; the source tries again by itself. `code` is a protocol
   * error code when the other side refused (PROTOCOL_VERSION), OFFLINE otherwise.
   */
  connectError: (code: string, message: string) => void;
}

/**
 * Where the candidate's session comes from: everything the core needs from the other
 * side, and nothing more. Today that is the site server over socket.io
 * (SocketSessionSource); a standalone package read from a file is the next one. The
 * requests and pushes are those of the candidate contract in @exam/protocol, and a source
 * hands the core only what the contract's schemas parsed.
 */
export interface SessionSource {
  /**
   * Names this source, kept with a session (StoredSession.serverUrl): a retired session's
   * token is delivered only back to the source that issued it.
   */
  readonly origin: string;
  on<K extends keyof SessionSourceEvents>(event: K, listener: SessionSourceEvents[K]): void;
  /** Start connecting; the source keeps (re)connecting until `disconnect`. */
  connect(): void;
  /** For good: stop (re)connecting and forget every listener; no `disconnect` event follows. */
  disconnect(): void;
  /** The core could not set up on this connection: drop it and try again later. */
  retryLater(): void;
  /** The core set up on this connection: the next outage starts again from short delays. */
  established(): void;
  /**
   * One request and its parsed reply. Rejects with a CoreError: a protocol code from the
   * other side, or OFFLINE / TIMEOUT / BAD_REPLY (nothing sent, no reply in time, a reply
   * the contract does not allow).
   */
  request<E extends CandidateEvent>(
    event: E,
    payload: RequestOf<CandidateContract, E>,
  ): Promise<ParsedReplyOf<CandidateContract, E>>;
  /** One push, parsed by the contract; a malformed one goes to `onMalformed`, never to `apply`. */
  onPush<E extends PushName<CandidateContract>>(
    event: E,
    apply: (payload: ParsedPushOf<CandidateContract, E>) => void,
    onMalformed: (event: E, issues: string[]) => void,
  ): void;
}
