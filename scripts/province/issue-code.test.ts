import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyApprovalCode } from '@exam/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { issueCodeFromArgs, paramsFromArgs, UsageError } from './issue-code.js';

const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const CLI = new URL('./issue-code.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'issue-code-'));
const key = Buffer.alloc(32, 7);
const keyFile = join(dir, 'approval.key');
writeFileSync(keyFile, key.toString('base64'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = [
  '--key-file',
  keyFile,
  '--site',
  'SITE-01',
  '--room',
  'R01',
  '--sitting',
  'S-J-ECON',
  '--date',
  '2021-10-23',
];
const extension = [
  ...base,
  '--kind',
  'extension',
  '--authority',
  'province',
  '--tickets',
  '210400100002,210400100001',
  '--minutes',
  '15',
];
const params = {
  kind: 'extension',
  authority: 'province',
  siteId: 'SITE-01',
  roomId: 'R01',
  sittingId: 'S-J-ECON',
  date: '2021-10-23',
  tickets: ['210400100001', '210400100002'],
  minutes: 15,
} as const;

describe('province approval code tool', () => {
  it('issues an extension code the site verifies for exactly those candidates and minutes', () => {
    const code = issueCodeFromArgs(extension);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(verifyApprovalCode(key, { ...params, tickets: [...params.tickets] }, code)).toBe(true);
    expect(verifyApprovalCode(key, { ...params, tickets: [...params.tickets], minutes: 16 }, code)).toBe(
      false,
    );
    expect(verifyApprovalCode(key, { ...params, tickets: ['210400100001'] }, code)).toBe(false);
  });

  it('issues a delayed-start code bound to room, sitting and day', () => {
    const code = issueCodeFromArgs([
      ...base,
      '--kind',
      'delayed-start',
      '--authority',
      'centre',
      '--serial',
      '3',
    ]);
    const start = {
      kind: 'delayed-start',
      authority: 'centre',
      siteId: 'SITE-01',
      roomId: 'R01',
      sittingId: 'S-J-ECON',
    } as const;
    expect(code.startsWith('3')).toBe(true);
    expect(verifyApprovalCode(key, { ...start, date: '2021-10-23' }, code)).toBe(true);
    expect(verifyApprovalCode(key, { ...start, date: '2021-10-24' }, code)).toBe(false);
    expect(verifyApprovalCode(key, { ...start, roomId: 'R02', date: '2021-10-23' }, code)).toBe(false);
  });

  it('refuses incomplete or inconsistent requests with a usage message', () => {
    expect(() => paramsFromArgs(base)).toThrow(UsageError);
    expect(() =>
      paramsFromArgs([...base, '--kind', 'extension', '--authority', 'province', '--minutes', '5']),
    ).toThrow('--tickets is required');
    expect(() => paramsFromArgs([...extension.slice(0, -1), '0'])).toThrow('--minutes');
    expect(() =>
      paramsFromArgs([...base, '--kind', 'delayed-start', '--authority', 'province', '--minutes', '5']),
    ).toThrow('names no tickets');
    expect(() => paramsFromArgs([...extension, '--date', '23/10/2021'])).toThrow('--date');
  });

  it('prints the code on stdout from the command line, and exits 2 on a usage error', () => {
    const ok = spawnSync(process.execPath, [TSX, CLI, ...extension], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe(issueCodeFromArgs(extension));
    const bad = spawnSync(process.execPath, [TSX, CLI, ...base], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--kind is required');
    expect(bad.stdout).toBe('');
  });
});
