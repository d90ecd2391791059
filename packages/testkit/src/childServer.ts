import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ExamPki } from '@exam/centre';
import { toPkcs12 } from '@exam/crypto';
import { IDENTITY_FILES, SITE_SERVER_MAIN } from '@exam/site-server';

const MAIN = SITE_SERVER_MAIN;
const TSX = createRequire(import.meta.url).resolve('tsx');
export const TEST_PIN = '246810';

/** Writes the site key, its TLS credential and the centre root where main.ts expects them. */
export function writeIdentity(dir: string, pki: ExamPki): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, IDENTITY_FILES.siteKey),
    toPkcs12({ certPem: pki.site.certPem, privateKeyPem: pki.site.privateKeyPem, pin: TEST_PIN }),
  );
  writeFileSync(join(dir, IDENTITY_FILES.centreRoot), pki.centre.certPem);
  writeFileSync(
    join(dir, IDENTITY_FILES.tls),
    toPkcs12({ certPem: pki.siteTls.certPem, privateKeyPem: pki.siteTls.privateKeyPem, pin: TEST_PIN }),
  );
}

export interface ChildSite {
  child: ChildProcess;
  url: string;
  adminToken: string;
}

/** Starts the real site server binary in its own process, for crash tests (kill -9). */
export async function spawnSiteServer(dataDir: string, identityDir: string, port = 0): Promise<ChildSite> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, MAIN, '--data-dir', dataDir, '--identity-dir', identityDir, '--port', String(port)],
    {
      env: { ...process.env, EXAM_SITE_PIN: TEST_PIN, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('site server did not start in 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`site server exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string };
        if (entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  return { child, url, adminToken: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim() };
}

export function killHard(site: ChildSite): Promise<void> {
  return new Promise((resolve) => {
    if (site.child.exitCode !== null) return resolve();
    site.child.once('exit', () => resolve());
    site.child.kill('SIGKILL');
  });
}
