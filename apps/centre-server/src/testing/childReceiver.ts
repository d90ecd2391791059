import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Credential } from '@exam/centre';
import { toPkcs12 } from '@exam/crypto';
import type { ReceiverExamManifest } from '../examManifest.js';
import { RECEIVER_IDENTITY_FILES } from '../identity.js';
import { CENTRE_SERVER_MAIN } from '../index.js';

const TSX = createRequire(import.meta.url).resolve('tsx');
export const TEST_CENTRE_PIN = '135790';

/** Writes centre.p12 and an exam manifest as the centre would lay them out; returns the manifest's path. */
export function writeCentreDir(dir: string, centre: Credential, exam: ReceiverExamManifest): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RECEIVER_IDENTITY_FILES.centre), toPkcs12({ ...centre, pin: TEST_CENTRE_PIN }));
  const manifest = join(dir, `${exam.examId}.receiver.json`);
  writeFileSync(manifest, JSON.stringify(exam));
  return manifest;
}

export interface ChildReceiver {
  child: ChildProcess;
  url: string;
  /** Every JSON log line so far. */
  log: Record<string, unknown>[];
}

/** The real `centre-server` command in a process of its own (for kill -9 and the CLI). */
export async function spawnReceiver(args: string[]): Promise<ChildReceiver> {
  const child = spawn(process.execPath, ['--import', TSX, CENTRE_SERVER_MAIN, ...args], {
    env: { ...process.env, EXAM_CENTRE_PIN: TEST_CENTRE_PIN, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('receiver did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        log.push(entry);
        if (typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  return { child, url, log };
}

export function killHard(r: ChildReceiver): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill('SIGKILL');
  });
}
