import { createExamPki, issueKeyHolder } from '@exam/centre';
import {
  generateKeyPair,
  generateMachineKeyPair,
  issueCertificate,
  machineFingerprint,
  openFromString,
  writePackage,
} from '@exam/crypto';
import type { StandalonePackageContent } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { newStandaloneCode } from './codes.js';
import { StandaloneError, type StandaloneErrorCode } from './errors.js';
import { inspectStandalonePackage, openStandalonePackage, writeStandalonePackage } from './package.js';
import { type StandaloneTestWorld, sampleStandaloneContent, standaloneTestWorld } from './testing.js';

const NOW = new Date('2026-05-16T01:30:00Z');
/** Certificates valid around NOW, whatever day the test runs. */
const PKI_VALIDITY = { validFrom: new Date('2026-01-01T00:00:00Z'), validDays: 365 };

let world: StandaloneTestWorld;
let content: StandalonePackageContent;
let code: string;
let bytes: Buffer;

beforeAll(() => {
  world = standaloneTestWorld({ items: 20, pki: createExamPki('0101', PKI_VALIDITY) });
  content = sampleStandaloneContent(world, { changes: 12, issuedAt: NOW });
  code = newStandaloneCode();
  bytes = writeStandalonePackage({ content, code, site: world.site, now: NOW });
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

/** The StandaloneError code thrown; fails the test if the file was accepted or something else was thrown. */
function refusal(fn: () => unknown): StandaloneErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof StandaloneError) {
      expect(e.message).toMatch(/^[A-Z].*\.$/s);
      return e.code;
    }
    throw new Error(`expected a StandaloneError, got ${String(e)}`);
  }
  throw new Error('expected a StandaloneError, but the file was accepted');
}

function flip(b: Buffer, at: number): Buffer {
  const copy = Buffer.from(b);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

describe('a standalone package on its target machine', () => {
  it('shows whose package it is before the code, then opens with the code to the same content', () => {
    expect(inspectStandalonePackage(bytes, reader())).toEqual({
      packageId: content.packageId,
      sittingId: 'S-J-ECON',
      roomId: 'R01',
      examDay: content.examDay,
      expiresAt: content.expiresAt,
      ticketNo: '210400100001',
      name: '张三',
    });
    expect(openStandalonePackage(bytes, reader())).toEqual(content);
  });

  it('opens with the code as a person types it', () => {
    const typed = ` ${code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o')} `;
    expect(openStandalonePackage(bytes, reader({ code: typed })).packageId).toBe(content.packageId);
  });

  it('carries the paper the candidate can open and the answers the server held', () => {
    const opened = openStandalonePackage(bytes, reader());
    const key = Buffer.from(opened.paper.sittingKey, 'base64');
    const paper = JSON.parse(
      openFromString(key, opened.paper.sealed, Buffer.from(opened.sittingId)).toString(),
    );
    expect(paper.items).toHaveLength(20);
    expect(opened.changes.map((c) => c.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(opened.highestSeq).toBe(12);
  });

  it('refuses a wrong code and shows nothing of the paper', () => {
    let other = newStandaloneCode();
    while (other === code) other = newStandaloneCode();
    expect(refusal(() => openStandalonePackage(bytes, reader({ code: other })))).toBe('WRONG_CODE');
    expect(refusal(() => openStandalonePackage(bytes, reader({ code: 'not a code' })))).toBe('WRONG_CODE');
  });

  it('keeps the paper key, the answers and the ID number off the USB stick in the clear', () => {
    expect(bytes.includes(Buffer.from(content.paper.sittingKey))).toBe(false);
    expect(bytes.includes(Buffer.from(content.paper.sealed.slice(0, 40)))).toBe(false);
    expect(bytes.includes(Buffer.from(content.candidate.idNumberHash!))).toBe(false);
    expect(bytes.includes(Buffer.from('"changes"'))).toBe(false);
  });

  it('does not open with the code of another package', () => {
    const second = sampleStandaloneContent(world, { issuedAt: NOW });
    const secondCode = newStandaloneCode();
    const secondBytes = writeStandalonePackage({
      content: second,
      code: secondCode,
      site: world.site,
      now: NOW,
    });
    expect(refusal(() => openStandalonePackage(secondBytes, reader()))).toBe('WRONG_CODE');
    expect(openStandalonePackage(secondBytes, reader({ code: secondCode })).packageId).toBe(second.packageId);
  });
});

describe('a standalone package refused', () => {
  it('on another machine, before the code is asked for', () => {
    const another = machineFingerprint(generateMachineKeyPair().publicKey);
    expect(refusal(() => inspectStandalonePackage(bytes, reader({ machineFingerprint: another })))).toBe(
      'WRONG_MACHINE',
    );
    expect(refusal(() => openStandalonePackage(bytes, reader({ machineFingerprint: another })))).toBe(
      'WRONG_MACHINE',
    );
  });

  it('at another site', () => {
    expect(refusal(() => inspectStandalonePackage(bytes, reader({ siteId: '0102' })))).toBe('WRONG_SITE');
  });

  it('once expired, and not a moment before', () => {
    const expiry = Date.parse(content.expiresAt);
    expect(inspectStandalonePackage(bytes, reader({ now: new Date(expiry - 1) })).packageId).toBe(
      content.packageId,
    );
    expect(refusal(() => inspectStandalonePackage(bytes, reader({ now: new Date(expiry) })))).toBe('EXPIRED');
  });

  it('when signed by a certificate that is neither a site nor a chief examiner certificate', () => {
    // The chief examiner's certificate may sign (a console-built package): see chiefSigned.test.ts.
    const proctor = issueKeyHolder(
      world.pki,
      { role: 'proctor', roomId: 'R01', holder: '监考 李四' },
      PKI_VALIDITY,
    );
    const asProctor = { certPem: proctor.certPem, chainPem: [], privateKeyPem: proctor.privateKeyPem };
    const asTls = {
      certPem: world.pki.siteTls.certPem,
      chainPem: [],
      privateKeyPem: world.pki.siteTls.privateKeyPem,
    };
    for (const site of [asProctor, asTls]) {
      const forged = writeStandalonePackage({ content, code, site, now: NOW });
      expect(refusal(() => inspectStandalonePackage(forged, reader()))).toBe('UNTRUSTED_SIGNER');
    }
  });

  it('when signed under a self-made root with the same names', () => {
    const selfMade = createExamPki('0101', PKI_VALIDITY);
    const site = { certPem: selfMade.site.certPem, chainPem: [], privateKeyPem: selfMade.site.privateKeyPem };
    const forged = writeStandalonePackage({ content, code, site, now: NOW });
    expect(refusal(() => inspectStandalonePackage(forged, reader()))).toBe('UNTRUSTED_SIGNER');
    expect(refusal(() => openStandalonePackage(forged, reader()))).toBe('UNTRUSTED_SIGNER');
  });

  it('when another site’s certificate signs a package naming this site', () => {
    const keys = generateKeyPair();
    const otherSiteCert = issueCertificate({
      issuerCertPem: world.pki.centre.certPem,
      issuerPrivateKeyPem: world.pki.centre.privateKeyPem,
      subject: { commonName: 'Site 0102', role: 'site', siteId: '0102' },
      publicKeyPem: keys.publicKeyPem,
      validFrom: new Date(NOW.getTime() - 86_400_000),
      validDays: 30,
    });
    const site = { certPem: otherSiteCert, chainPem: [], privateKeyPem: keys.privateKeyPem };
    const forged = writeStandalonePackage({ content, code, site, now: NOW });
    expect(refusal(() => inspectStandalonePackage(forged, reader()))).toBe('UNTRUSTED_SIGNER');
  });

  it('for any bit flipped in the manifest, the signature or the payload', () => {
    const manifestEnd = 12 + bytes.readUInt32BE(8);
    const signatureEnd = manifestEnd + 4 + bytes.readUInt32BE(manifestEnd);
    const seen = new Map<string, Set<StandaloneErrorCode>>();
    const note = (part: string, c: StandaloneErrorCode) =>
      seen.set(part, (seen.get(part) ?? new Set()).add(c));
    for (let at = 0; at < bytes.length; at += at < signatureEnd ? 29 : 4099) {
      const part = at < manifestEnd ? 'manifest' : at < signatureEnd ? 'signature' : 'payload';
      note(
        part,
        refusal(() => openStandalonePackage(flip(bytes, at), reader())),
      );
    }
    // The header cannot be changed (say, to another machine) without breaking the signature.
    expect(seen.get('manifest')).toContain('BAD_SIGNATURE');
    expect([...(seen.get('signature') ?? [])]).toEqual(['BAD_SIGNATURE']);
    expect([...(seen.get('payload') ?? [])]).toEqual(['BAD_FILE']);
    expect([...seen.values()].some((s) => s.has('WRONG_CODE'))).toBe(false);
  });

  it('when truncated, at any of several lengths, as BAD_FILE', () => {
    const manifestEnd = 12 + bytes.readUInt32BE(8);
    for (const length of [
      0,
      3,
      8,
      11,
      200,
      manifestEnd,
      manifestEnd + 100,
      bytes.length - 1000,
      bytes.length - 1,
    ]) {
      expect(refusal(() => openStandalonePackage(bytes.subarray(0, length), reader()))).toBe('BAD_FILE');
    }
  });

  it('when it is another kind of exam package', () => {
    const examData = writePackage({
      kind: 'standalone',
      payload: Buffer.from('{}'),
      signerCertPem: world.pki.site.certPem,
      signerPrivateKeyPem: world.pki.site.privateKeyPem,
      recipientCertPem: world.pki.site.certPem,
    });
    expect(refusal(() => inspectStandalonePackage(examData, reader()))).toBe('BAD_FILE');
    expect(refusal(() => inspectStandalonePackage(Buffer.from('PK\u0003\u0004 a zip'), reader()))).toBe(
      'BAD_FILE',
    );
  });

  it('is not written with content that breaks the format', () => {
    const bad = { ...content, remainingMs: -1 };
    expect(() => writeStandalonePackage({ content: bad, code, site: world.site })).toThrow(
      expect.objectContaining({ code: 'BAD_CONTENT' }),
    );
  });
});
