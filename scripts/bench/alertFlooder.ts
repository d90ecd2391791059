import { createInterface } from 'node:readline';
import type { MachineKeyPair, SiteTrust } from '@exam/crypto';
import type { Ack } from '@exam/protocol';
import { call, connected, proveMachine, rawSocket } from '@exam/testkit';
import type { Socket } from 'socket.io-client';

/**
 * The flooding machine of scripts/bench/alert-flood.ts, in a process of its own so its
 * sending does not slow the measuring candidate's process. Reads one JSON line (site, trust,
 * its approved machine key, its candidate), logs in, prints "ready", and on "go" sends
 * `client:alert` as fast as the socket takes them for `floodMs`, then prints its counts.
 */
interface FlooderInput {
  url: string;
  trust: SiteTrust;
  key: MachineKeyPair;
  ticketNo: string;
  idNumber: string;
  floodMs: number;
}

/** Messages in flight at once: enough that the socket, not the acknowledgements, sets the pace. */
const WINDOW = 512;

const lines = createInterface({ input: process.stdin });
const iter = lines[Symbol.asyncIterator]();
const input = JSON.parse((await iter.next()).value as string) as FlooderInput;

/** Connects as the approved machine and logs the candidate in, as a real client does. */
async function logIn(): Promise<Socket> {
  const socket = rawSocket(input.url, 'candidate', {}, input.trust);
  await connected(socket);
  await proveMachine(socket, input.key);
  const login = await call<Ack<unknown>>(socket, 'candidate:login', {
    ticketNo: input.ticketNo,
    idNumber: input.idNumber,
  });
  if (!login.ok) throw new Error(`flooder login refused: ${login.error.code}`);
  return socket;
}

let socket = await logIn();
process.stdout.write('ready\n');
await iter.next();

// Whatever the site does to the connection, the attacker keeps going: when it is closed,
// connect, prove and log in again, and go on sending.
const codes: Record<string, number> = {};
let sent = 0;
let reconnects = 0;
let reconnecting: Promise<void> | null = null;
const until = performance.now() + input.floodMs;
const reconnect = () => {
  reconnecting ??= (async () => {
    socket.disconnect();
    for (;;) {
      try {
        socket = await logIn();
        reconnects++;
        break;
      } catch {
        codes.reconnectRefused = (codes.reconnectRefused ?? 0) + 1;
        if (performance.now() >= until) break;
      }
    }
  })().finally(() => {
    reconnecting = null;
  });
  return reconnecting;
};
const one = async (): Promise<void> => {
  while (performance.now() < until) {
    if (reconnecting) await reconnecting;
    if (!socket.connected) {
      await reconnect();
      continue;
    }
    sent++;
    const s = socket;
    const closed = new Promise<null>((resolve) => s.once('disconnect', () => resolve(null)));
    const r = await Promise.race([
      s.emitWithAck('client:alert', { kind: 'focus-lost', detail: 'flood' }) as Promise<Ack<unknown>>,
      closed,
    ]);
    const c = r === null ? 'closed' : r.ok ? 'ok' : r.error.code;
    codes[c] = (codes[c] ?? 0) + 1;
  }
};
await Promise.all(Array.from({ length: WINDOW }, one));
process.stdout.write(`${JSON.stringify({ sent, reconnects, codes, seconds: input.floodMs / 1000 })}\n`);
socket.disconnect();
process.exit(0);
