import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExamPki } from '@exam/centre';
import { toPkcs12, writePackageV2 } from '@exam/crypto';
import type { Ack } from '@exam/protocol';
import { siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProvinceKey } from './check-backup.js';
import { BackupCheckFailed, checkBackup, type ProvinceKey } from './checkBackup.js';

/**
 * The province's command (issue 18): a real site's backup made through the admin route and a
 * console's backup are opened and checked; an altered byte, the wrong key and a truncated
 * file are each refused with a sentence and exit 1.
 */
const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const CLI = new URL('./check-backup.ts', import.meta.url).pathname;
const PIN = 'province-test-pin';
const dir = mkdtempSync(join(tmpdir(), 'check-backup-test-'));
let site: TestSite;
let siteBackup: string;
let consoleBackup: string;
let keyFile: string;
let key: ProvinceKey;

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  const res = await siteFetch(`${site.url}/api/admin/backups/site`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.server.adminToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const made = (await res.json()) as Ack<{ path: string }>;
  if (!made.ok) throw new Error(made.error.message);
  siteBackup = made.value.path;
  keyFile = join(dir, 'province.p12');
  writeFileSync(keyFile, toPkcs12({ ...site.pki.province, chainPem: [site.pki.centre.certPem], pin: PIN }));
  key = loadProvinceKey(keyFile, PIN);
  const proctor = site.pki.proctors.get('R1')!;
  consoleBackup = join(dir, 'console.exambak');
  writeFileSync(
    consoleBackup,
    writePackageV2({
      kind: 'backup',
      payload: Buffer.from(
        JSON.stringify({
          roomId: 'R1',
          exportedAt: new Date().toISOString(),
          snapshot: null,
          changes: [
            { ticketNo: '210400100001', sittingId: 'S-J-ECON', seq: 1 },
            { ticketNo: '210400100001', sittingId: 'S-J-ECON', seq: 2 },
            { ticketNo: '210400100002', sittingId: 'S-J-ECON', seq: 1 },
          ],
        }),
      ),
      meta: { roomId: 'R1', changes: 3 },
      signer: { kind: 'certificate', certPem: proctor.certPem, privateKeyPem: proctor.privateKeyPem },
      recipients: [
        { kind: 'certificate', certPem: site.pki.province.certPem },
        { kind: 'certificate', certPem: site.pki.centre.certPem },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], pin = PIN) {
  const r = spawnSync(process.execPath, [TSX, CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EXAM_PROVINCE_PIN: pin },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyWith(name: string, change: (b: Buffer) => Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, change(Buffer.from(readFileSync(siteBackup))));
  return path;
}

describe('check-backup', () => {
  it('opens a site backup and a console backup and prints what they hold', () => {
    const r = cli(['--key', keyFile, siteBackup, consoleBackup]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/site backup of SITE-T \(exam EXAM-TEST\), made on demand/);
    expect(r.stdout).toMatch(/integrity_check ok; audit chain of \d+ events verified/);
    expect(r.stdout).toMatch(/\d+ sittings, 1 rooms, 2 candidates, 0 answer changes/);
    expect(r.stdout).toMatch(/console backup of room R1/);
    expect(r.stdout).toMatch(/3 replica changes of 2 candidates in S-J-ECON/);
  });

  it('takes the centre root from a file when given', () => {
    const root = join(dir, 'centre-root.pem');
    writeFileSync(root, site.pki.centre.certPem);
    expect(checkBackup(readFileSync(siteBackup), loadProvinceKey(keyFile, PIN, root))).toMatchObject({
      kind: 'site',
      siteId: 'SITE-T',
      candidates: 2,
    });
  });

  it('refuses an altered byte, exit 1, and still checks the other files', () => {
    const bytes = readFileSync(siteBackup);
    const altered = copyWith('altered.exambak', (b) => {
      b[bytes.length - 100] = (b[bytes.length - 100] ?? 0) ^ 1;
      return b;
    });
    expect(() => checkBackup(readFileSync(altered), key)).toThrow(/corrupt/);
    const r = cli(['--key', keyFile, altered, consoleBackup]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED {2}.*altered\.exambak: The package content is corrupt/);
    expect(r.stderr).toMatch(/1 of 2 backups failed the check/);
    expect(r.stdout).toMatch(/OK {2}.*console\.exambak/);
  });

  it('refuses a truncated file', () => {
    const truncated = copyWith('truncated.exambak', (b) => b.subarray(0, b.length - 1000));
    expect(() => checkBackup(readFileSync(truncated), key)).toThrow(/truncated/);
    expect(cli(['--key', keyFile, truncated]).status).toBe(1);
  });

  it('refuses with another province’s key, and with a root that did not issue the signer', () => {
    const other = createExamPki('SITE-T', { validFrom: new Date('2020-01-01T00:00:00Z') });
    const wrongKey = { ...other.province, centreRootPem: site.pki.centre.certPem };
    expect(() => checkBackup(readFileSync(siteBackup), wrongKey)).toThrow(BackupCheckFailed);
    expect(() => checkBackup(readFileSync(siteBackup), wrongKey)).toThrow(/made for other recipients/);
    const wrongRoot = { ...key, centreRootPem: other.centre.certPem };
    expect(() => checkBackup(readFileSync(siteBackup), wrongRoot)).toThrow(/signer is not trusted/);
  });

  it('refuses a wrong PIN and a missing key option', () => {
    expect(cli(['--key', keyFile, siteBackup], 'wrong-pin')).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/key file cannot be opened/),
    });
    expect(cli([siteBackup]).status).toBe(2);
  });
});
