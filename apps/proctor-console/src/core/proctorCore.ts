import { EventEmitter } from 'node:events';
import {
  type Ack,
  type EndResult,
  NAMESPACES,
  PROTOCOL_VERSION,
  type ProctorClientEvents,
  type ProctorServerEvents,
  type RoomSnapshot,
  type StartResult,
} from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import { RoomState } from './roomState.js';

export interface ProctorCoreOptions {
  serverUrl: string;
  roomId: string;
  credential: string;
  monotonicNow?: () => number;
  ackTimeoutMs?: number;
}

export class ProctorCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProctorCommandError';
  }
}

type Events = { change: []; connection: [connected: boolean] };

/**
 * Follows one room live and issues its commands. socket.io delivers at most once
 * (ARCHITECTURE §11), so after every reconnect the console asks for a fresh snapshot.
 */
export class ProctorCore extends EventEmitter<Events> {
  readonly state: RoomState;
  private readonly socket: Socket<ProctorServerEvents, ProctorClientEvents>;
  private readonly ackTimeoutMs: number;

  constructor(opts: ProctorCoreOptions) {
    super();
    this.state = new RoomState(opts.monotonicNow);
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
    this.socket = io(`${opts.serverUrl}${NAMESPACES.proctor}`, {
      transports: ['websocket'],
      auth: { protocolVersion: PROTOCOL_VERSION, roomId: opts.roomId, credential: opts.credential },
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
    });
    this.socket.on('connect', () => {
      this.emit('connection', true);
      void this.refresh().catch(() => {});
    });
    this.socket.on('disconnect', () => this.emit('connection', false));
    this.socket.on('room:snapshot', (s) => {
      this.state.applySnapshot(s);
      this.emit('change');
    });
    this.socket.on('room:tiles', ({ serverNow, tiles }) => {
      this.state.applyTiles(serverNow, tiles);
      this.emit('change');
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once connected and holding a snapshot; rejects on a refused handshake. */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.state.ready && this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('proctor console could not reach the site server')),
        timeoutMs,
      );
      const onChange = () => {
        clearTimeout(timer);
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (e: Error & { data?: { code?: string } }) => {
        if (e.data?.code) {
          clearTimeout(timer);
          this.off('change', onChange);
          reject(new ProctorCommandError(e.data.code, e.message));
        }
      };
      this.once('change', onChange);
      this.socket.on('connect_error', onError);
    });
  }

  async refresh(): Promise<void> {
    const snapshot = await this.command<RoomSnapshot>('room:subscribe', {});
    this.state.applySnapshot(snapshot);
    this.emit('change');
  }

  openLogin(sittingId: string): Promise<{ loginOpenedAt: number }> {
    return this.command('login:open', { sittingId });
  }

  start(sittingId: string, reason?: string): Promise<StartResult> {
    return this.command('sitting:start', reason ? { sittingId, reason } : { sittingId });
  }

  end(sittingId: string): Promise<EndResult> {
    return this.command('sitting:end', { sittingId });
  }

  close(): void {
    this.socket.disconnect();
    this.removeAllListeners();
  }

  private async command<T>(event: keyof ProctorClientEvents, payload: unknown): Promise<T> {
    if (!this.socket.connected) throw new ProctorCommandError('OFFLINE', 'Not connected to the site server.');
    // The event maps type each payload; commands pass through here already shaped.
    const timed = this.socket.timeout(this.ackTimeoutMs) as unknown as {
      emitWithAck(e: string, p: unknown): Promise<Ack<T>>;
    };
    const result = await timed.emitWithAck(event, payload);
    if (!result.ok)
      throw new ProctorCommandError(result.error.code, result.error.message, result.error.details);
    return result.value;
  }
}
