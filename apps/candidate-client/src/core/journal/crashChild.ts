/**
 * Test fixture for journal.crash.test.ts, run as its own process: appends answers as fast
 * as it can and prints each sequence only after `append` returned, until it is killed.
 */
import { AnswerJournal } from '../journal.js';

const path = process.argv[2];
if (!path) throw new Error('usage: crashChild.ts <journal path>');
const journal = AnswerJournal.open(path);
const ref = { ticketNo: '1001', sittingId: 'S1' };
for (let i = 0; ; i++) {
  const change = journal.append(
    ref,
    `q${i % 50}`,
    i % 3 === 0 ? 'x'.repeat(i % 2000) : ['A', 'C'],
    i % 7 === 0,
  );
  if (i % 10 === 9) journal.markAckedUpTo(ref, change.seq - 5);
  process.stdout.write(`${change.seq}\n`);
}
