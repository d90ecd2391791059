import { isServerIdentityFailure, type SiteTrust } from '@exam/crypto';
import type {
  CandidateContract,
  CandidateEvent,
  ParsedPushOf,
  ParsedReplyOf,
  PushName,
  RequestOf,
} from '@exam/protocol';
import type { BackoffOptions } from './backoff.js';
import { LOCAL_ERROR_CODES } from './errors.js';
import { Reconnector } from './reconnector.js';
import { type CandidateSocket, createCandidateSocket, onCandidatePush, request } from './request.js';
import type { SessionSource, SessionSourceEvents } from './sessionSource.js';

export interface SocketSessionSourceOptions {
  /** `https://host:port`: the site server speaks TLS only. */
  serverUrl: string;
  /**
   * The centre root and this machine's siteId, installed with the client at machine
   * preparation: a server whose certificate does not chain to that root or names another
   * site is refused (SERVER_IDENTITY), and refused again at every retry.
   */
  trust: SiteTrust;
  /** Deadline for each acknowledgement (and for each connect attempt), in real milliseconds. */
  ackTimeoutMs: number;
  /** Reconnect backoff; defaults to BACKOFF_DEFAULTS. */
  backoff?: BackoffOptions;
}

/** socket.io's reason when this side called `disconnect()`: not an outage, no reconnect. */
const CLIENT_DISCONNECT = 'io client disconnect';

/**
 * The session from the site server, on the candidate namespace over socket.io: reconnects
 * with full-jitter backoff (see Reconnector), gives every request the ack deadline, and
 * parses every reply and push through the candidate contract.
 */
export class SocketSessionSource implements SessionSource {
  readonly origin: string;
  private readonly socket: CandidateSocket;
  private readonly reconnector: Reconnector;
  private readonly ackTimeoutMs: number;

  constructor(opts: SocketSessionSourceOptions) {
    this.origin = opts.serverUrl;
    this.ackTimeoutMs = opts.ackTimeoutMs;
    this.socket = createCandidateSocket(opts.serverUrl, opts.trust, opts.ackTimeoutMs);
    this.reconnector = new Reconnector(() => this.socket.connect(), opts.backoff);
  }

  on<K extends keyof SessionSourceEvents>(event: K, listener: SessionSourceEvents[K]): void {
    const s = this.socket;
    if (event === 'connect') {
      const fn = listener as SessionSourceEvents['connect'];
      s.on('connect', () => fn());
    } else if (event === 'disconnect') {
      const fn = listener as SessionSourceEvents['disconnect'];
      s.on('disconnect', (reason) => {
        fn(reason);
        if (reason !== CLIENT_DISCONNECT) this.reconnector.schedule();
      });
    } else {
      const fn = listener as SessionSourceEvents['connectError'];
      s.on('connect_error', (err) => {
        const data = (err as Error & { data?: { code?: unknown } }).data;
        if (typeof data?.code === 'string') fn(data.code, err.message);
        else if (isServerIdentityFailure(err))
          fn(LOCAL_ERROR_CODES.SERVER_IDENTITY, 'The site server could not prove it is this site’s server.');
        else fn(LOCAL_ERROR_CODES.OFFLINE, err.message);
        this.reconnector.schedule();
      });
    }
  }

  connect(): void {
    this.socket.connect();
  }

  disconnect(): void {
    this.reconnector.stop();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  retryLater(): void {
    this.socket.disconnect();
    this.reconnector.schedule();
  }

  established(): void {
    this.reconnector.succeeded();
  }

  request<E extends CandidateEvent>(
    event: E,
    payload: RequestOf<CandidateContract, E>,
  ): Promise<ParsedReplyOf<CandidateContract, E>> {
    return request(this.socket, event, payload, this.ackTimeoutMs);
  }

  onPush<E extends PushName<CandidateContract>>(
    event: E,
    apply: (payload: ParsedPushOf<CandidateContract, E>) => void,
    onMalformed: (event: E, issues: string[]) => void,
  ): void {
    onCandidatePush(this.socket, event, apply, onMalformed);
  }
}
