import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sign } from '@exam/crypto';
import { type Ack, buildSignInProof, NAMESPACES, PROTOCOL_VERSION } from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import type { ConsolesCommand, ConsolesConfig, Reply } from './messages.js';

/**
 * The rooms' consoles of a load run, one per room, signed in with the chief examiner's key
 * (valid for every room). Their own process, started by the load generator: each console is
 * a machine of its own in an exam room, and the committed answers the server pushes to
 * every room after every commit (thousands of messages a second at the top rates) would
 * otherwise be decoded on the candidates' event loop and show up in their latencies.
 */
const cfg = JSON.parse(process.argv[2] ?? '{}') as ConsolesConfig;
const consoles = new Map<string, Socket>();

function withTimeout<T>(socket: Socket, event: string, payload: unknown, ms = 30_000): Promise<Ack<T>> {
  return socket.timeout(ms).emitWithAck(event, payload) as Promise<Ack<T>>;
}

async function serverNow(): Promise<number> {
  const res = await fetch(`${cfg.url}/api/health`);
  return ((await res.json()) as { serverNow: number }).serverNow;
}

/** Signs each console in, subscribes it to its room and opens the room's login. */
async function connect(): Promise<{ consoles: number }> {
  const key = JSON.parse(readFileSync(cfg.chiefKeyPath, 'utf8')) as {
    certPem: string;
    privateKeyPem: string;
  };
  for (const roomId of cfg.roomIds) {
    // The server's clock may be scaled; sign with its time, fetched just before.
    const signedAt = await serverNow();
    const proof = buildSignInProof(
      { certPem: key.certPem, siteId: cfg.siteId, roomId, signedAt, nonce: randomBytes(16).toString('hex') },
      (text) => sign(text, key.privateKeyPem),
    );
    const s = io(`${cfg.url}${NAMESPACES.proctor}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { protocolVersion: PROTOCOL_VERSION, roomId, proof },
    });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', (e) => reject(new Error(`console ${roomId}: ${e.message}`)));
    });
    consoles.set(roomId, s);
    const sub = await withTimeout(s, 'room:subscribe', {});
    if (!sub.ok) throw new Error(`subscribe ${roomId}: ${sub.error.code}`);
    const opened = await withTimeout(s, 'login:open', { sittingId: cfg.sittingId });
    if (!opened.ok) throw new Error(`login:open ${roomId}: ${opened.error.code}`);
  }
  return { consoles: consoles.size };
}

/** Every room starts at once; resolves when every console has its acknowledgement. */
async function start(): Promise<{ startAckMs: number }> {
  const t0 = performance.now();
  const acks = await Promise.all(
    // A reason is sent always: on a scaled server clock the storm may run past the on-time grace.
    [...consoles.values()].map((c) =>
      withTimeout(c, 'sitting:start', {
        sittingId: cfg.sittingId,
        reason: 'load run: start after the login storm',
      }),
    ),
  );
  const failed = acks.find((a) => !a.ok);
  if (failed && !failed.ok) throw new Error(`sitting:start: ${failed.error.code}`);
  return { startAckMs: performance.now() - t0 };
}

async function run(cmd: ConsolesCommand): Promise<unknown> {
  switch (cmd.type) {
    case 'connect':
      return connect();
    case 'start':
      return start();
    case 'close':
      for (const c of consoles.values()) c.disconnect();
      setTimeout(() => process.exit(0), 50);
      return { closed: true };
  }
}

process.on('message', (msg: { id: number; cmd: ConsolesCommand }) => {
  run(msg.cmd).then(
    (value) => process.send?.({ id: msg.id, ok: true, value } satisfies Reply),
    (e: unknown) =>
      process.send?.({
        id: msg.id,
        ok: false,
        message: e instanceof Error ? e.message : String(e),
      } satisfies Reply),
  );
});
// The generator going away ends the consoles too.
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, value: 'ready' } satisfies Reply);
