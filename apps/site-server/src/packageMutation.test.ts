import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAnswerPackage } from '@exam/centre';
import { PackageError } from '@exam/crypto';
import { ProtocolError } from '@exam/protocol';
import { call, proctorSocket, siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer, type SiteServer } from './app.js';
import { ManualClock } from './clock.js';
import { importAuthorization, importExamData } from './sittings/examImport.js';

/**
 * Bit flips and truncations of every package type (ARCHITECTURE §4): each altered copy is
 * refused by the package verification (BAD_PACKAGE with the container's reason on the
 * site, PackageError at the centre), and the untouched original is still accepted.
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);
let site: TestSite;
let fresh: SiteServer;
let freshDir: string;
let answers: Buffer;

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  // A second site that has imported nothing, so exam data is judged by its verification alone.
  freshDir = mkdtempSync(join(tmpdir(), 'site-mutation-'));
  fresh = createSiteServer({
    dataDir: freshDir,
    clock: new ManualClock(site.clock.now()),
    identity: {
      certPem: site.pki.site.certPem,
      privateKeyPem: site.pki.site.privateKeyPem,
      trustedRootPem: site.pki.centre.certPem,
    },
    tls: { certPem: site.pki.siteTls.certPem, privateKeyPem: site.pki.siteTls.privateKeyPem },
  });
  const proctor = await proctorSocket(site, 'R1');
  await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
  await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
  proctor.disconnect();
  const res = await siteFetch(`${site.url}/api/admin/sittings/S-J-ECON/answer-package`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.server.adminToken}` },
  });
  const body = (await res.json()) as { ok: boolean; value: { path: string } };
  expect(body.ok).toBe(true);
  answers = readFileSync(body.value.path);
});

afterAll(async () => {
  await fresh.close();
  rmSync(freshDir, { recursive: true, force: true });
  await site.stop();
});

/** One altered copy: a single bit flipped, or cut short. */
function alteration(len: number): fc.Arbitrary<{ kind: 'flip' | 'truncate'; at: number; bit: number }> {
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(len - 1), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(len - 1), bit: fc.constant(0) }),
  );
}

function alter(bytes: Buffer, a: { kind: 'flip' | 'truncate'; at: number; bit: number }): Buffer {
  if (a.kind === 'truncate') return bytes.subarray(0, a.at);
  const copy = Buffer.from(bytes);
  copy[a.at]! ^= 1 << a.bit;
  return copy;
}

function refusedBySite(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe('BAD_PACKAGE');
    // Refused by the container's own checks, with a reason, not by a later business rule.
    expect((e as ProtocolError).details?.reason).toBeTypeOf('string');
    return;
  }
  throw new Error('an altered package was accepted');
}

describe('altered packages', () => {
  it('refuses every bit flip and truncation of the exam data, and then accepts the original', () => {
    const bytes = site.built.examData;
    fc.assert(
      fc.property(alteration(bytes.length), (a) =>
        refusedBySite(() => importExamData(fresh.ctx, alter(bytes, a))),
      ),
      { numRuns: RUNS * 3 },
    );
    expect(importExamData(fresh.ctx, bytes).candidates).toBe(2);
  });

  it('refuses every bit flip and truncation of the authorization, and then accepts the original', () => {
    const bytes = site.built.authorization;
    fc.assert(
      fc.property(alteration(bytes.length), (a) =>
        refusedBySite(() => importAuthorization(fresh.ctx, alter(bytes, a))),
      ),
      { numRuns: RUNS * 3 },
    );
    expect(() => importAuthorization(fresh.ctx, bytes)).not.toThrow();
  });

  it('has the centre refuse every bit flip and truncation of an answer package', () => {
    const now = new Date(site.clock.now());
    expect(verifyAnswerPackage(answers, site.pki.centre, now).candidates.length).toBe(2);
    fc.assert(
      fc.property(alteration(answers.length), (a) => {
        expect(() => verifyAnswerPackage(alter(answers, a), site.pki.centre, now)).toThrow(PackageError);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('answers altered packages over REST with 400 BAD_PACKAGE and stays up', async () => {
    const bytes = site.built.authorization;
    await fc.assert(
      fc.asyncProperty(alteration(bytes.length), async (a) => {
        const res = await siteFetch(`${site.url}/api/admin/authorization`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${site.server.adminToken}`,
            'content-type': 'application/octet-stream',
          },
          body: new Uint8Array(alter(bytes, a)),
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ ok: false, error: { code: 'BAD_PACKAGE' } });
      }),
      { numRuns: RUNS },
    );
    expect((await siteFetch(`${site.url}/api/health`)).status).toBe(200);
  });
});
