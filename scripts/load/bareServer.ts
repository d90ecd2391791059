import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * Baseline for the benchmark: a bare socket.io server with the site server's transport
 * settings that acknowledges every save at once, storing nothing. Whatever the site server
 * reaches is compared with this: the cost of socket.io itself on this machine.
 * Prints `{"url": ...}` on stdout when listening.
 */
const http = createServer();
const io = new Server(http, {
  serveClient: false,
  transports: ['websocket', 'polling'],
  maxHttpBufferSize: 8 * 1024 * 1024,
  pingInterval: 10_000,
  pingTimeout: 10_000,
});
io.of('/candidate').on('connection', (socket) => {
  socket.on('answer:save', (payload: { changes?: { seq?: unknown }[] }, ack: unknown) => {
    if (typeof ack !== 'function') return;
    const seqs = (payload?.changes ?? []).map((c) => Number(c?.seq) || 0);
    ack({ ok: true, value: { ackSeq: Math.max(0, ...seqs) } });
  });
});
// The same accept backlog as the site server, so a connect storm is compared like for like.
http.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const a = http.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
