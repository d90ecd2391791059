import { parentPort, workerData } from 'node:worker_threads';
import { openDurableConnection } from '@exam/sqlite';
import { AnsweredItems } from './answeredItems.js';
import { commitSaves } from './commitSaves.js';
import type { WriterReply, WriterRequest, WriterStart } from './writerMessages.js';

/**
 * The answer writer thread (decision 0006): its own connection to the site database, one
 * group-commit transaction per message. The fsync happens here, so the main thread goes on
 * reading and acknowledging other saves meanwhile.
 */
const start = workerData as WriterStart;
const port = parentPort!;
const db = openDurableConnection(start.dbPath, { foreignKeys: true, fileMustExist: true });
const answered = new AnsweredItems();

port.on('message', (m: WriterRequest) => {
  if (m.kind === 'close') {
    db.close();
    port.postMessage({ kind: 'closed' } satisfies WriterReply);
    return;
  }
  let reply: WriterReply;
  try {
    const t0 = performance.now();
    const outcomes = commitSaves(db, answered, m.saves, m.at);
    reply = { kind: 'committed', id: m.id, outcomes, tookMs: performance.now() - t0 };
  } catch (e) {
    const err = e as { name?: string; message?: string; code?: unknown };
    reply = {
      kind: 'failed',
      id: m.id,
      error: {
        name: String(err.name ?? 'Error'),
        message: String(err.message ?? e),
        code: typeof err.code === 'string' ? err.code : null,
      },
    };
  }
  port.postMessage(reply);
});
