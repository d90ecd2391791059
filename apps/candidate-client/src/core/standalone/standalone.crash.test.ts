import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStandaloneAnswerFile } from '@exam/standalone';
import { testPki, testTrust } from '@exam/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standaloneMachine, TEST_ID_NUMBER, writeTestPackage } from '../../e2e/support/standalone.js';
import { CandidateHost } from '../../host/candidateHost.js';
import { AnswerJournal } from '../journal.js';
import { StandaloneStore } from './standaloneStore.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../../..');
const child = join(here, 'standaloneCrashChild.ts');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'standalone-crash-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the standalone child until it has reported `atLeast` answer files, then SIGKILLs it. */
function runUntilKilled(args: string[], atLeast: number): Promise<{ seq: number; fileSeq: number }[]> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported: { seq: number; fileSeq: number }[] = [];
    let buffered = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [seq, fileSeq] = line.split(' ').map(Number);
        reported.push({ seq: seq!, fileSeq: fileSeq! });
      }
      if (reported.length >= atLeast && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolvePromise(reported);
      else reject(new Error(`child exited on its own (${signal ?? code}): ${stderr}`));
    });
  });
}

const siteKey = () => ({ certPem: testPki().site.certPem, privateKeyPem: testPki().site.privateKeyPem });

describe('a standalone client killed while it writes answer files', () => {
  it('leaves its journal intact, never a partial answer file under a final name, and carries on after a restart', async () => {
    const dataDir = join(dir, 'data');
    const usb = join(dir, 'usb');
    const world = standaloneMachine(dataDir);
    const pkg = writeTestPackage(world, usb, { changes: 3 });
    const rootFile = join(dir, 'centre-root.pem');
    writeFileSync(rootFile, testTrust().centreRootPem);
    const reported = await runUntilKilled(
      [dataDir, pkg.path, pkg.code, TEST_ID_NUMBER, rootFile, testTrust().siteId],
      60,
    );
    expect(reported.length).toBeGreaterThanOrEqual(60);
    const lastReported = reported.at(-1)!;

    const journalPath = join(dataDir, 'answers.db');
    const journal = AnswerJournal.open(journalPath);
    const ref = { ticketNo: pkg.content.candidate.ticketNo, sittingId: pkg.content.sittingId };
    try {
      expect(journal.quickCheck()).toBe('ok');
    } finally {
      journal.close();
    }
    const store = StandaloneStore.open(journalPath);
    let takenFileSeq: number;
    try {
      const active = store.active();
      expect(active?.packageId).toBe(pkg.content.packageId);
      // The sequence taken is at or above every file reported: never reused.
      takenFileSeq = active!.fileSeq;
      expect(takenFileSeq).toBeGreaterThanOrEqual(lastReported.fileSeq);
      // Every change that was reported is in the journal.
      const seqs = new Set(store.changesAbove(ref, pkg.content.highestSeq).map((c) => c.seq));
      expect(reported.filter((r) => !seqs.has(r.seq))).toEqual([]);
    } finally {
      store.close();
    }

    // Every file under a final name is whole and opens with the site's key; every reported one is there.
    for (const d of [dataDir, usb]) {
      const files = readdirSync(d).filter(
        (f) => f.startsWith('standalone-') && f.includes(`-${pkg.content.packageId.slice(0, 8)}-`),
      );
      const answerFiles = files.filter((f) => f !== pkg.path.split('/').at(-1));
      const fileSeqs = answerFiles.map(
        (f) => openStandaloneAnswerFile(readFileSync(join(d, f)), { recipient: siteKey() }).content.fileSeq,
      );
      for (const r of reported) expect(fileSeqs).toContain(r.fileSeq);
    }

    // After a restart: no code, the same answers, and the next file takes a new sequence.
    const host = new CandidateHost({
      core: { serverUrl: 'https://127.0.0.1:1', trust: testTrust(), journalPath, clientVersion: '0.1.0' },
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!host.getState().paperOpen) {
        if (Date.now() > deadline) throw new Error('timed out waiting for the resume');
        await new Promise((r) => setTimeout(r, 10));
      }
      const next = host.standaloneWriteAnswerFile();
      expect(next.ok && next.value.fileSeq).toBe(takenFileSeq + 1);
    } finally {
      host.close();
    }
  });
});
