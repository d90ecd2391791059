import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExamPki, verifyReceipt } from '@exam/centre';
import { sha256Hex } from '@exam/crypto';
import type { SignedReceipt } from '@exam/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { answerPackageBytes } from './testing/answerPackages.js';
import { type ChildReceiver, killHard, spawnReceiver, writeCentreDir } from './testing/childReceiver.js';
import { call } from './testing/receiverClient.js';

const CHUNK = 16 * 1024;
let running: ChildReceiver | null = null;
const dirs: string[] = [];
afterEach(async () => {
  if (running) await killHard(running);
  running = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('centre-server, the command', () => {
  it('keeps an upload across a kill -9 and continues it after the restart, with the same TLS key', async () => {
    const pki = createExamPki('S1');
    const root = mkdtempSync(join(tmpdir(), 'centre-cli-'));
    dirs.push(root);
    const centreDir = join(root, 'centre');
    const manifest = writeCentreDir(centreDir, pki.centre, {
      examId: 'E1',
      sites: [{ siteId: 'S1', sittingIds: ['B1'] }],
    });
    const args = ['--data-dir', join(root, 'data'), '--identity-dir', centreDir, '--exam', manifest];
    running = await spawnReceiver(args);
    const id = { centreRootPem: pki.centre.certPem, client: pki.site };
    const bytes = answerPackageBytes(pki.site, pki.centre, { examId: 'E1', siteId: 'S1', sittingId: 'B1' });
    const start = (url: string) =>
      call(url, id, 'POST', '/api/uploads', {
        json: { sha256: sha256Hex(bytes), size: bytes.length, fileName: 'B1.pkg' },
      });
    const { uploadId } = (await start(running.url)).body as { uploadId: string };
    for (let offset = 0; offset < 2 * CHUNK; offset += CHUNK) {
      const r = await call(running.url, id, 'PATCH', `/api/uploads/${uploadId}`, {
        bytes: bytes.subarray(offset, offset + CHUNK),
        offset,
      });
      expect(r.body).toEqual({ ok: true, offset: offset + CHUNK });
    }
    await killHard(running);

    running = await spawnReceiver(args);
    // Its TLS credential was issued on the first start and is kept, not issued again.
    expect(running.log.some((l) => l.msg === 'receiver TLS credential issued from the centre key')).toBe(
      false,
    );
    expect((await start(running.url)).body).toEqual({ ok: true, uploadId, offset: 2 * CHUNK });
    for (let offset = 2 * CHUNK; offset < bytes.length; offset += CHUNK) {
      await call(running.url, id, 'PATCH', `/api/uploads/${uploadId}`, {
        bytes: bytes.subarray(offset, offset + CHUNK),
        offset,
      });
    }
    const done = await call(running.url, id, 'POST', `/api/uploads/${uploadId}/complete`, { json: {} });
    expect(done.status).toBe(200);
    const receipt = verifyReceipt((done.body as { receipt: SignedReceipt }).receipt, {
      centreRootPem: pki.centre.certPem,
      expectedSiteId: 'S1',
      expectedSittingId: 'B1',
      expectedSha256: sha256Hex(bytes),
    });
    expect(receipt.version).toBe(1);
    expect(running.log.some((l) => l.msg === 'upload resumed' && l.offset === 2 * CHUNK)).toBe(true);
    const status = await call(running.url, id, 'GET', '/api/exams/E1/status');
    expect(status.body).toMatchObject({ ok: true, status: { received: 1, missing: 0 } });
  });
});
