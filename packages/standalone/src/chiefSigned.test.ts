import { createExamPki, type ExamPki, issueKeyHolder } from '@exam/centre';
import type { StandalonePackageContent } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { idCheckHash, idNumberMatches, newStandaloneCode } from './codes.js';
import { StandaloneError, type StandaloneErrorCode } from './errors.js';
import { inspectStandalonePackage, openStandalonePackage, writeStandalonePackage } from './package.js';
import {
  type StandaloneTestWorld,
  sampleStandaloneContent,
  standaloneTestWorld,
  TEST_ID_NUMBER,
} from './testing.js';

// A package a console built from its replica while the site server was down (decision 0017,
// amendment): signed by the chief examiner's certificate, carrying a salted ID check.
const NOW = new Date('2026-05-16T01:30:00Z');
const PKI_VALIDITY = { validFrom: new Date('2026-01-01T00:00:00Z'), validDays: 365 };
const SALT = '0123456789abcdef0123456789abcdef';

let world: StandaloneTestWorld;
let content: StandalonePackageContent;
let code: string;
let bytes: Buffer;

function holder(pki: ExamPki, role: 'chief' | 'proctor', name: string) {
  const k = issueKeyHolder(
    pki,
    { role, roomId: role === 'proctor' ? 'R01' : null, holder: name },
    PKI_VALIDITY,
  );
  return { certPem: k.certPem, chainPem: [], privateKeyPem: k.privateKeyPem };
}

beforeAll(() => {
  world = standaloneTestWorld({ items: 12, pki: createExamPki('0101', PKI_VALIDITY) });
  const base = sampleStandaloneContent(world, { changes: 4, issuedAt: NOW });
  const { idNumberHash: _site, ...candidate } = base.candidate;
  content = {
    ...base,
    builtBy: 'console',
    candidate: { ...candidate, idCheck: { salt: SALT, hash: idCheckHash(SALT, TEST_ID_NUMBER) } },
  };
  code = newStandaloneCode();
  bytes = writeStandalonePackage({
    content,
    code,
    signer: holder(world.pki, 'chief', '主考 王五'),
    now: NOW,
  });
});

function reader(o: Partial<Parameters<typeof openStandalonePackage>[1]> = {}) {
  return {
    trustedRootPem: world.pki.centre.certPem,
    siteId: '0101',
    machineFingerprint: world.machineFingerprint,
    now: new Date(NOW.getTime() + 60_000),
    code,
    ...o,
  };
}

function refusal(fn: () => unknown): { code: StandaloneErrorCode; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof StandaloneError) return { code: e.code, message: e.message };
    throw new Error(`expected a StandaloneError, got ${String(e)}`);
  }
  throw new Error('expected a StandaloneError, but the package was accepted');
}

describe('a package signed by the chief examiner of the site (built at a console)', () => {
  it('is accepted on its target machine and opens to the same content', () => {
    expect(inspectStandalonePackage(bytes, reader()).packageId).toBe(content.packageId);
    expect(openStandalonePackage(bytes, reader())).toEqual(content);
  });

  it('checks the ID number against the salted check, as typed, and nothing else', () => {
    const opened = openStandalonePackage(bytes, reader());
    expect(opened.candidate.idNumberHash).toBeUndefined();
    expect(idNumberMatches(opened.packageId, opened.candidate, TEST_ID_NUMBER.toLowerCase())).toBe(true);
    expect(idNumberMatches(opened.packageId, opened.candidate, ` ${TEST_ID_NUMBER} `)).toBe(true);
    expect(idNumberMatches(opened.packageId, opened.candidate, '110101199001011234')).toBe(false);
    // The salt keys the hash: the same number under another salt is another check.
    expect(idCheckHash('f'.repeat(32), TEST_ID_NUMBER)).not.toBe(content.candidate.idCheck?.hash);
  });

  it('keeps the salted ID check off the USB stick in the clear', () => {
    expect(bytes.includes(Buffer.from(content.candidate.idCheck!.hash))).toBe(false);
    expect(bytes.includes(Buffer.from(SALT))).toBe(false);
  });

  it('is refused when signed by a proctor key of the site', () => {
    const forged = writeStandalonePackage({
      content,
      code,
      signer: holder(world.pki, 'proctor', '监考 李四'),
      now: NOW,
    });
    const r = refusal(() => inspectStandalonePackage(forged, reader()));
    expect(r.code).toBe('UNTRUSTED_SIGNER');
    expect(r.message).toMatch(/role proctor/);
  });

  it("is refused when signed by another site's chief examiner", () => {
    const otherSite = { ...world.pki, site: { ...world.pki.site, siteId: '0102' } };
    const forged = writeStandalonePackage({
      content,
      code,
      signer: holder(otherSite, 'chief', '主考 赵六'),
      now: NOW,
    });
    const r = refusal(() => openStandalonePackage(forged, reader()));
    expect(r.code).toBe('UNTRUSTED_SIGNER');
    expect(r.message).toBe(
      "The package names site 0101 but is signed by the chief examiner's certificate of site 0102.",
    );
  });

  it('is refused when signed by a chief examiner certificate under a self-made root', () => {
    const selfMade = createExamPki('0101', PKI_VALIDITY);
    const forged = writeStandalonePackage({
      content,
      code,
      signer: holder(selfMade, 'chief', '主考 王五'),
      now: NOW,
    });
    expect(refusal(() => inspectStandalonePackage(forged, reader())).code).toBe('UNTRUSTED_SIGNER');
  });

  it('is refused for any bit flipped, and when truncated', () => {
    const manifestEnd = 12 + bytes.readUInt32BE(8);
    for (const at of [20, manifestEnd - 5, manifestEnd + 40, bytes.length - 100]) {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      expect(['BAD_SIGNATURE', 'BAD_FILE']).toContain(
        refusal(() => openStandalonePackage(copy, reader())).code,
      );
    }
    expect(refusal(() => openStandalonePackage(bytes.subarray(0, bytes.length - 1), reader())).code).toBe(
      'BAD_FILE',
    );
  });

  it('is not written with both ID checks or with neither', () => {
    const both = { ...content, candidate: { ...content.candidate, idNumberHash: 'a'.repeat(64) } };
    const { idCheck: _c, ...bare } = content.candidate;
    for (const bad of [both, { ...content, candidate: bare }]) {
      expect(() => writeStandalonePackage({ content: bad, code, signer: world.site })).toThrow(
        expect.objectContaining({ code: 'BAD_CONTENT' }),
      );
    }
  });
});
