import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerVerificationError, idNumberFor, ticketFor, verifyAnswerPackage } from '@exam/centre';
import { toPkcs12, writePackage } from '@exam/crypto';
import type { Ack, EndResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MIN = 60_000;
const TSX = createRequire(import.meta.url).resolve('tsx');
const CLI = new URL('./verify-answers.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'verify-cli-'));
let site: TestSite;
let packagePath: string;
/** Exported by the admin while the candidate was still answering. */
let interimPath: string;

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  const proctor = await proctorSocket(site, 'R1');
  await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
  const { socket: s, login } = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: 1,
    machineId: 'machine-verify-1',
    ticketNo: ticketFor(1, 1),
    idNumber: idNumberFor(1),
  });
  expect(login.candidate.ticketNo).toBe(ticketFor(1, 1));
  site.clock.set(site.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
  await call(s, 'answer:save', {
    sittingId: 'S-J-ECON',
    changes: [
      { seq: 1, itemId: 'J-001', value: 'A', madeAt: site.juniorStart + 1_000 },
      { seq: 2, itemId: 'J-002', value: ['B', 'D'], madeAt: site.juniorStart + 2_000 },
    ],
  });
  const interim = await siteFetch(`${site.url}/api/admin/sittings/S-J-ECON/answer-package`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.server.adminToken}` },
  });
  interimPath = ((await interim.json()) as { value: { path: string } }).value.path;
  site.clock.advance(91 * MIN);
  const ended = await call<Ack<EndResult>>(proctor, 'sitting:end', { sittingId: 'S-J-ECON' });
  if (!ended.ok || !ended.value.answerPackage) throw new Error('no package');
  packagePath = ended.value.answerPackage;
  s.disconnect();
  proctor.disconnect();
  writeFileSync(join(dir, 'centre.p12'), toPkcs12({ ...site.pki.centre, pin: '1234' }));
});

afterAll(async () => {
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

function runCli(...paths: string[]) {
  return spawnSync(process.execPath, ['--import', TSX, CLI, '--centre-dir', dir, ...paths], {
    env: { ...process.env, EXAM_CENTRE_PIN: '1234' },
    encoding: 'utf8',
  });
}

describe('centre-side answer verification', () => {
  it('accepts the site’s package and prints each candidate’s counts', () => {
    const r = runCli(packagePath);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('OK');
    expect(r.stdout).toMatch(new RegExp(`${ticketFor(1, 1)}\\s+handed-in\\s+2\\s+2\\s+auto`));
    expect(r.stdout).toMatch(new RegExp(`${ticketFor(1, 2)}\\s+absent\\s+0\\s+0`));
  });

  it('says the sitting’s package is the final one', () => {
    const r = runCli(packagePath);
    expect(r.stdout).toMatch(/^OK .* 最终答卷包 FINAL$/m);
    expect(r.stdout).not.toContain('INTERIM');
    expect(r.stdout).not.toContain('未交卷的考生');
  });

  it('refuses an interim export (exit 1) unless --allow-interim is given', () => {
    const refused = runCli(interimPath);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/^FAIL .*interim.* 临时导出，不是最终答卷包 INTERIM/m);
    expect(refused.stdout).toContain('pass --allow-interim');
    const allowed = runCli('--allow-interim', interimPath);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/^OK .*interim.* INTERIM/m);
  });

  it('says an export made mid-sitting is not the final package, naming the room and who was still answering', () => {
    const r = runCli('--allow-interim', interimPath);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^OK .*interim.* 临时导出，不是最终答卷包 INTERIM — 考场 R1 未结束考试，2 人未交卷/m,
    );
    expect(r.stdout).toContain('未结束的考场 (rooms not ended): R1');
    expect(r.stdout).toMatch(new RegExp(`${ticketFor(1, 1)}\\s+R1\\s+answering 正在作答`));
    expect(r.stdout).toMatch(new RegExp(`${ticketFor(1, 2)}\\s+R1\\s+not-started 未开始作答`));
    // Even in one line per package, the clerk sees it is not the final one.
    const quiet = spawnSync(
      process.execPath,
      ['--import', TSX, CLI, '--centre-dir', dir, '--quiet', '--allow-interim', interimPath],
      { env: { ...process.env, EXAM_CENTRE_PIN: '1234' }, encoding: 'utf8' },
    );
    expect(quiet.stdout).toContain('不是最终答卷包 INTERIM');
  });

  it('refuses an altered copy with a reason and exits non-zero', () => {
    const bytes = readFileSync(packagePath);
    const altered = join(dir, 'altered.exampkg');
    const copy = Buffer.from(bytes);
    copy[copy.length - 5]! ^= 0xff;
    writeFileSync(altered, copy);
    const truncated = join(dir, 'truncated.exampkg');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    const r = runCli(altered, truncated);
    expect(r.status).toBe(1);
    expect(r.stdout.match(/^FAIL/gm)?.length).toBe(2);
  });

  it('detects an audit chain edited before signing', () => {
    const good = verifyAnswerPackage(readFileSync(packagePath), site.pki.centre);
    const forged = structuredClone(good.package);
    const event = forged.audit.find((e) => e.action === 'sitting.started')!;
    event.data = { ...(event.data as object), authority: 'on-time', reason: null, delayMs: 0, edited: true };
    const bytes = writePackage({
      kind: 'answers',
      payload: Buffer.from(JSON.stringify(forged)),
      signerCertPem: site.pki.site.certPem,
      signerPrivateKeyPem: site.pki.site.privateKeyPem,
      recipientCertPem: site.pki.centre.certPem,
    });
    expect(() => verifyAnswerPackage(bytes, site.pki.centre)).toThrow(AnswerVerificationError);
  });

  it('prints that every start, extension and hand-in hash was reconciled', () => {
    const r = runCli(packagePath);
    expect(r.stdout).toContain(
      'reconciled with the audit chain: 0 extension(s), 1 start(s), 1 hand-in hash(es)',
    );
  });
});

/** A site admin edits site.db behind the server's back, then exports the sitting again. */
async function exportAfterEditing(sql: string, ...params: unknown[]): Promise<string> {
  const db = new Database(join(site.dataDir, 'site.db'));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
  const res = await siteFetch(`${site.url}/api/admin/sittings/S-J-ECON/answer-package`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.server.adminToken}` },
  });
  const body = (await res.json()) as { ok: boolean; value: { path: string } };
  if (!body.ok) throw new Error('export refused');
  return body.value.path;
}

describe('sittings data written straight into site.db (issue 16, point 9)', () => {
  it('fails a 50-minute extension with no audit event, naming the candidate and room', async () => {
    const path = await exportAfterEditing(
      'UPDATE candidate_sittings SET extension_ms = ? WHERE ticket_no = ? AND sitting_id = ?',
      50 * MIN,
      ticketFor(1, 1),
      'S-J-ECON',
    );
    const r = runCli(path);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL/m);
    expect(r.stdout).toContain(
      `Candidate ${ticketFor(1, 1)} in room R1 has 50 minutes of extra time in the sittings data, but the audit chain grants 0 minutes`,
    );
    await exportAfterEditing(
      'UPDATE candidate_sittings SET extension_ms = 0 WHERE ticket_no = ? AND sitting_id = ?',
      ticketFor(1, 1),
      'S-J-ECON',
    );
  });

  it('fails a start moved 40 minutes later with no audit event, naming the room', async () => {
    const path = await exportAfterEditing(
      "UPDATE room_sittings SET started_at = started_at + ?, start_authority = 'city-consent' WHERE room_id = 'R1' AND sitting_id = ?",
      40 * MIN,
      'S-J-ECON',
    );
    const r = runCli(path);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Room R1's start in the sittings data .* differs from its audit event/);
  });
});
