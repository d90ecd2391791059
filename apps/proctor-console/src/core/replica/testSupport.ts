import { NAMESPACES, PROTOCOL_VERSION } from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';

/**
 * A candidate's socket on its own connection (forceNew): io() otherwise shares one manager
 * per URL with the console's socket in the same process, and the candidate namespace then
 * never connects. Test support only.
 */
export function candidateSocket(url: string): Socket {
  return io(`${url}${NAMESPACES.candidate}`, {
    forceNew: true,
    transports: ['websocket'],
    reconnection: false,
    auth: { protocolVersion: PROTOCOL_VERSION },
  });
}

/** Pushes arrive asynchronously; a bounded wait keeps a failure a failure, not a hang. */
export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
