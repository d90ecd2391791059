import { readFileSync } from 'node:fs';
import { machinePublicKeyOf } from '@exam/crypto';
import type { Ack } from '@exam/protocol';
import { approveMachine, call, connected, proveMachine, rawSocket } from '@exam/testkit';
import { loadOrCreateMachineKey } from '../../core/machineKey.js';

/**
 * The machine check of the day before, done for a test (issue 16): the machine key at
 * `keyPath` (made now if missing, as the client's first start would) proves itself, asks to
 * join the seat, and the room's proctor approves it on a real proctor socket. A client
 * started on that key afterwards is approved from its first connection. Returns the
 * machine's fingerprint.
 */
export async function approveMachineKey(
  siteUrl: string,
  keyPath: string,
  seat: { roomId: string; seatNo: number },
): Promise<string> {
  const { fingerprint } = loadOrCreateMachineKey(keyPath);
  // Test code only: the key is read to prove it over a raw socket, as the client would.
  const privateKeyPem = readFileSync(keyPath, 'utf8');
  const socket = rawSocket(siteUrl, 'candidate');
  try {
    await connected(socket);
    const status = await proveMachine(socket, {
      publicKey: machinePublicKeyOf(privateKeyPem),
      privateKeyPem,
    });
    if (status.status === 'approved' && status.roomId === seat.roomId && status.seatNo === seat.seatNo) {
      return fingerprint;
    }
    const joined = await call<Ack<unknown>>(socket, 'machine:join', seat);
    if (!joined.ok) throw new Error(`machine:join refused: ${joined.error.message}`);
    await approveMachine(siteUrl, seat.roomId, fingerprint, seat.seatNo);
    return fingerprint;
  } finally {
    socket.disconnect();
  }
}
