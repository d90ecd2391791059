import { type SiteTrust, siteTlsClientOptions } from '@exam/crypto';
import {
  type CandidateContract,
  type CandidateEvent,
  candidateContract,
  NAMESPACES,
  onPush,
  type ParsedPushOf,
  type ParsedReplyOf,
  PROTOCOL_VERSION,
  type PushName,
  type RequestOf,
  requestWithAck,
} from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import { CoreError } from './errors.js';

/**
 * Untyped on purpose: what arrives is `unknown` until the contract's schemas parse it, in
 * `request` and `onCandidatePush` below, so no listener is typed by a promise nothing checked.
 */
export type CandidateSocket = Socket;

/**
 * A socket on the candidate namespace, not yet connected: the caller decides when. Over TLS,
 * trusting the centre root only and only a certificate naming this machine's site.
 */
export function createCandidateSocket(
  serverUrl: string,
  trust: SiteTrust,
  connectTimeoutMs: number,
): CandidateSocket {
  return io(`${serverUrl}${NAMESPACES.candidate}`, {
    ...siteTlsClientOptions(trust),
    auth: { protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    // Our own reconnect loop (Reconnector) uses full jitter; see there for why. With it
    // off, socket.io's randomizationFactor would have nothing to randomise.
    reconnection: false,
    autoConnect: false,
    // Each core owns its connection: two cores in one process must not share a manager.
    forceNew: true,
    timeout: connectTimeoutMs,
  });
}

/** One request with an acknowledgement, its reply parsed by the contract (see requestWithAck). */
export function request<E extends CandidateEvent>(
  socket: CandidateSocket,
  event: E,
  payload: RequestOf<CandidateContract, E>,
  timeoutMs: number,
): Promise<ParsedReplyOf<CandidateContract, E>> {
  return requestWithAck(candidateContract, socket, event, payload, {
    timeoutMs,
    makeError: (code, message, details) => new CoreError(code, message, details),
  });
}

/** One push, parsed by the contract; a malformed one goes to `onMalformed`, never to `apply`. */
export function onCandidatePush<E extends PushName<CandidateContract>>(
  socket: CandidateSocket,
  event: E,
  apply: (payload: ParsedPushOf<CandidateContract, E>) => void,
  onMalformed: (event: E, issues: string[]) => void,
): void {
  onPush(candidateContract, socket, event, apply, onMalformed);
}
