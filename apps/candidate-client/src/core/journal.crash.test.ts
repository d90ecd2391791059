import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerJournal } from './journal.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const child = join(here, 'journal', 'crashChild.ts');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-crash-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the appending child until it has reported `atLeast` appends, then SIGKILLs it. */
function appendUntilKilled(path: string, atLeast: number): Promise<number[]> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const seqs: number[] = [];
    let buffered = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) seqs.push(Number(line));
      if (seqs.length >= atLeast && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolvePromise(seqs);
      else reject(new Error(`child exited on its own (${signal ?? _code}): ${stderr}`));
    });
  });
}

describe('AnswerJournal under a killed process', () => {
  it('stays intact and keeps every append that returned before a SIGKILL mid-write', async () => {
    const path = join(dir, 'journal.db');
    const reported = await appendUntilKilled(path, 400);
    expect(reported.length).toBeGreaterThanOrEqual(400);

    const journal = AnswerJournal.open(path);
    try {
      expect(journal.quickCheck()).toBe('ok');
    } finally {
      journal.close();
    }
    const raw = new Database(path, { readonly: true });
    const stored = raw.prepare('SELECT seq FROM answer_changes ORDER BY seq').pluck().all() as number[];
    raw.close();
    const storedSet = new Set(stored);
    const missing = reported.filter((seq) => !storedSet.has(seq));
    expect(missing).toEqual([]);
    // No holes: each sequence is assigned in its append's own transaction.
    expect(stored).toEqual(stored.map((_, i) => i + 1));

    // And the journal carries on where it stopped.
    const reopened = AnswerJournal.open(path);
    try {
      expect(reopened.append({ ticketNo: '1001', sittingId: 'S1' }, 'q1', 'A').seq).toBe(stored.length + 1);
    } finally {
      reopened.close();
    }
  });
});
