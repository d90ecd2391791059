import { rawSocket } from '@exam/testkit';
import type { Socket } from 'socket.io-client';

/**
 * A candidate's socket on its own connection (forceNew): io() otherwise shares one manager
 * per URL with the console's socket in the same process, and the candidate namespace then
 * never connects. Over TLS, trusting the test centre root only, as a test machine does.
 * Test support only.
 */
export function candidateSocket(url: string): Socket {
  return rawSocket(url, 'candidate');
}

/** Pushes arrive asynchronously; a bounded wait keeps a failure a failure, not a hang. */
export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
