import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const TSX = createRequire(import.meta.url).resolve('tsx');
const DEMO = new URL('./demo.ts', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'demo-run-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Summary {
  expected: number;
  absent: number;
  handedIn: number;
  changes: number;
  packagePath: string;
  verified: string;
}

describe('the README demo', () => {
  it('runs a sitting end to end and every candidate is handed in or absent in a verified package', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', TSX, DEMO, '--candidates', '24', '--speed', '1200', '--sittings', 'first', '--out', out],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("room R02's network is down");
    // One machine per seat, not one per candidate and sitting; nothing left on their disks.
    expect(r.stdout).toMatch(
      /test machines \d+, one per seat for the whole day .*; changes left undelivered 0/,
    );
    const [summary] = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary[];
    expect(summary!.handedIn + summary!.absent).toBe(summary!.expected);
    expect(summary!.changes).toBeGreaterThan(0);
    expect(summary!.verified).toMatch(/audit chain OK; altered copy refused/);
    expect(existsSync(summary!.packagePath)).toBe(true);
    // Issue 18: the package went to the centre's receiver, whose receipt the site verified, and
    // the day's backups (the site's after the sitting, each console's) open with the province key.
    expect(r.stdout).toMatch(/B1-J-ECON: uploaded, receipt verified \(receipt [0-9a-f-]{36}, version 1\)/);
    const receiptFile = /receipt {2}(\S+receipt-B1-J-ECON-[0-9a-f]{12}\.json)/.exec(r.stdout)?.[1];
    expect(receiptFile && existsSync(receiptFile)).toBe(true);
    expect(r.stdout).toMatch(/OK {2}\S+site-B1-J-ECON-\S+\.exambak: site backup .*\n.*integrity_check ok/);
    expect(
      r.stdout.match(/OK {2}\S+console-R\d+\.exambak: console backup of room R\d+/g)?.length,
    ).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('FAILED');
  }, 150_000);

  it('runs an overbooked site (--overbooked): seats drawn at entry, a full room transfers out, the report printed', () => {
    const dir = join(out, 'overbooked');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        TSX,
        DEMO,
        '--candidates',
        '40',
        '--speed',
        '1200',
        '--sittings',
        'first',
        '--overbooked',
        '--out',
        dir,
      ],
      { encoding: 'utf8', timeout: 150_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const entry = /seats drawn at entry for (\d+) candidates; (\d+) transferred out of a full room/.exec(
      r.stdout,
    );
    expect(Number(entry?.[1])).toBeGreaterThan(0);
    expect(Number(entry?.[2])).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'transfer-report-B1-J-ECON.pdf'))).toBe(true);
    const [summary] = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary[];
    expect(summary!.handedIn + summary!.absent).toBe(summary!.expected);
    expect(summary!.verified).toMatch(/audit chain OK; altered copy refused/);
  }, 180_000);
});
