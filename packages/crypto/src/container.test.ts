import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';
import { createRootCertificate, issueCertificate } from './certificates.js';
import type { CertRole, CertSubject } from './certSubject.js';
import { inspectPackage, readPackage, writePackage } from './container.js';
import { PackageError, type PackageErrorCode } from './errors.js';
import { decodeFrame, encodeFrame } from './framing.js';
import { generateKeyPair, type KeyPair } from './keys.js';
import { PACKAGE_KINDS, type PackageKind } from './manifest.js';
import { sign } from './signatures.js';

const DAY = 86_400_000;
const NOW = new Date('2025-06-07T08:00:00Z');
const VALID_FROM = new Date(NOW.getTime() - 30 * DAY);

interface Party {
  keys: KeyPair;
  cert: string;
}

let centre: Party;
let site: Party;
let otherSite: Party;
let proctor: Party;
let strangerRoot: Party;
let stranger: Party;

function party(issuer: Party, subject: CertSubject, keys = generateKeyPair(), validFrom = VALID_FROM): Party {
  const cert = issueCertificate({
    issuerCertPem: issuer.cert,
    issuerPrivateKeyPem: issuer.keys.privateKeyPem,
    subject,
    publicKeyPem: keys.publicKeyPem,
    validFrom,
    validDays: 365,
  });
  return { keys, cert };
}

function rootParty(commonName: string): Party {
  const keys = generateKeyPair();
  return {
    keys,
    cert: createRootCertificate({ commonName, keyPair: keys, validFrom: VALID_FROM, validDays: 3650 }),
  };
}

beforeAll(() => {
  centre = rootParty('Exam Centre Root');
  site = party(centre, { commonName: 'Site 0101', role: 'site', siteId: '0101' });
  otherSite = party(centre, { commonName: 'Site 0102', role: 'site', siteId: '0102' });
  proctor = party(
    centre,
    { commonName: 'Proctor R01', role: 'proctor', siteId: '0101', roomId: 'R01' },
    site.keys,
  );
  strangerRoot = rootParty('Exam Centre Root'); // same name, different key
  stranger = party(strangerRoot, { commonName: 'Site 0101', role: 'site', siteId: '0101' }, site.keys);
});

const PAYLOAD = Buffer.from(
  JSON.stringify({ examId: 'E2025', papers: Array.from({ length: 20 }, (_, i) => `paper ${i}`) }),
);

/** Centre -> site, the exam-data direction. */
function centreToSite(overrides: Partial<Parameters<typeof writePackage>[0]> = {}): Buffer {
  return writePackage({
    kind: 'exam-data',
    payload: PAYLOAD,
    meta: { examId: 'E2025', siteId: '0101' },
    signerCertPem: centre.cert,
    signerPrivateKeyPem: centre.keys.privateKeyPem,
    recipientCertPem: site.cert,
    now: NOW,
    ...overrides,
  });
}

function readAsSite(bytes: Buffer, overrides: Partial<Parameters<typeof readPackage>[1]> = {}) {
  return readPackage(bytes, {
    trustedRootPem: centre.cert,
    recipientPrivateKeyPem: site.keys.privateKeyPem,
    recipientCertPem: site.cert,
    expectedKind: 'exam-data',
    allowedSignerRoles: ['centre'],
    now: NOW,
    ...overrides,
  });
}

/** The PackageError code thrown, failing the test if it returns or throws anything else. */
function refusal(fn: () => unknown): PackageErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof PackageError) {
      expect(e.message).toMatch(/^[A-Z].*\.$/s); // a sentence a site admin can read
      return e.code;
    }
    throw new Error(`expected a PackageError, got ${String(e)}`);
  }
  throw new Error('expected a PackageError, but the package was accepted');
}

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

function reframe(bytes: Buffer, edit: (manifest: Record<string, unknown>) => void, signer?: Party): Buffer {
  const frame = decodeFrame(bytes);
  const manifest = JSON.parse(frame.manifestBytes.toString('utf8')) as Record<string, unknown>;
  edit(manifest);
  const manifestBytes = Buffer.from(canonicalJson(manifest));
  const signature = signer ? sign(manifestBytes, signer.keys.privateKeyPem) : frame.signature;
  return encodeFrame({ manifestBytes, signature, payload: frame.payload });
}

describe('package round trip', () => {
  it.each(PACKAGE_KINDS)('writes and reads a %s package', (kind: PackageKind) => {
    const bytes = centreToSite({ kind });
    const opened = readAsSite(bytes, { expectedKind: kind });
    expect(opened.payload.equals(PAYLOAD)).toBe(true);
    expect(opened.manifest.kind).toBe(kind);
    expect(opened.manifest.meta).toEqual({ examId: 'E2025', siteId: '0101' });
    expect(opened.manifest.createdAt).toBe(NOW.toISOString());
    expect(opened.signer.subject.role).toBe('centre');
  });

  it('carries answers from a site to the centre, with the site as signer', () => {
    const bytes = writePackage({
      kind: 'answers',
      payload: Buffer.from('answers'),
      meta: { sittingId: 'S1', candidates: 30 },
      signerCertPem: site.cert,
      signerPrivateKeyPem: site.keys.privateKeyPem,
      recipientCertPem: centre.cert,
      now: NOW,
    });
    const opened = readPackage(bytes, {
      trustedRootPem: centre.cert,
      recipientPrivateKeyPem: centre.keys.privateKeyPem,
      recipientCertPem: centre.cert,
      expectedKind: 'answers',
      allowedSignerRoles: ['site'],
      now: NOW,
    });
    expect(opened.payload.toString()).toBe('answers');
    expect(opened.signer.subject).toEqual({ commonName: 'Site 0101', role: 'site', siteId: '0101' });
  });

  it('handles an empty payload', () => {
    expect(readAsSite(centreToSite({ payload: Buffer.alloc(0) })).payload.length).toBe(0);
  });

  it('lets a signer under an intermediate sign, with the chain in the manifest', () => {
    // Key pairs are reused from other parties: only the certificates matter here.
    const provinceCert = issueCertificate({
      issuerCertPem: centre.cert,
      issuerPrivateKeyPem: centre.keys.privateKeyPem,
      subject: { commonName: 'Province 11', role: 'province' },
      publicKeyPem: otherSite.keys.publicKeyPem,
      validFrom: VALID_FROM,
      validDays: 365,
      isCa: true,
    });
    const province = { keys: otherSite.keys, cert: provinceCert };
    const chief = party(province, { commonName: 'Chief 0101', role: 'chief', siteId: '0101' }, site.keys);
    const bytes = centreToSite({
      kind: 'authorization',
      signerCertPem: chief.cert,
      signerChainPem: [provinceCert],
      signerPrivateKeyPem: chief.keys.privateKeyPem,
    });
    const opened = readAsSite(bytes, { expectedKind: 'authorization', allowedSignerRoles: ['chief'] });
    expect(opened.signer.subject.role).toBe('chief');
    expect(
      refusal(() => readAsSite(bytes, { expectedKind: 'authorization', allowedSignerRoles: ['site'] })),
    ).toBe('SIGNER_ROLE_NOT_ALLOWED');
  });

  it('inspectPackage shows the manifest without any key and without decrypting', () => {
    const manifest = inspectPackage(centreToSite());
    expect(manifest).toMatchObject({ format: 'exam-pkg', formatVersion: 1, kind: 'exam-data' });
    expect(manifest.payload.length).toBe(PAYLOAD.length);
    expect(JSON.stringify(manifest)).not.toContain('paper 1');
  });

  it('refuses to write with a private key that does not match the signer certificate', () => {
    expect(() => centreToSite({ signerPrivateKeyPem: site.keys.privateKeyPem })).toThrow(
      expect.objectContaining({ code: 'KEY_MISMATCH' }),
    );
  });
});

describe('package refusals', () => {
  let bytes: Buffer;
  let manifestEnd: number;
  let signatureEnd: number;

  beforeAll(() => {
    bytes = centreToSite();
    const manifestLength = bytes.readUInt32BE(8);
    manifestEnd = 12 + manifestLength;
    signatureEnd = manifestEnd + 4 + bytes.readUInt32BE(manifestEnd);
  });

  it('refuses every single-byte flip in the magic and length fields', () => {
    const positions = [
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11,
      manifestEnd,
      manifestEnd + 1,
      manifestEnd + 2,
      manifestEnd + 3,
    ];
    for (const at of positions) expect(refusal(() => readAsSite(flip(bytes, at)))).toBeDefined();
    expect(refusal(() => readAsSite(flip(bytes, 0)))).toBe('BAD_MAGIC');
  });

  it('refuses single-byte flips across the manifest', () => {
    const codes = new Set<PackageErrorCode>();
    for (let at = 12; at < manifestEnd; at += 31) codes.add(refusal(() => readAsSite(flip(bytes, at))));
    // A flip in the version digit reads as another version; everything else is caught by
    // the schema, the certificate check or the signature.
    const expected = ['BAD_SIGNATURE', 'MALFORMED_MANIFEST', 'UNSUPPORTED_VERSION', 'UNTRUSTED_SIGNER'];
    expect([...codes].filter((c) => !expected.includes(c))).toEqual([]);
    expect(codes.has('BAD_SIGNATURE')).toBe(true);
  });

  it('refuses single-byte flips across the signature', () => {
    for (let at = manifestEnd + 4; at < signatureEnd; at += 17) {
      expect(refusal(() => readAsSite(flip(bytes, at)))).toBe('BAD_SIGNATURE');
    }
  });

  it('refuses single-byte flips across the payload', () => {
    for (let at = signatureEnd; at < bytes.length; at += 7) {
      expect(refusal(() => readAsSite(flip(bytes, at)))).toBe('PAYLOAD_CORRUPT');
    }
  });

  it('refuses the package truncated at any of many lengths as TRUNCATED', () => {
    const lengths = [
      0,
      1,
      7,
      8,
      9,
      11,
      12,
      13,
      100,
      manifestEnd - 1,
      manifestEnd,
      manifestEnd + 3,
      manifestEnd + 4,
    ];
    lengths.push(signatureEnd - 1, signatureEnd, signatureEnd + 1, bytes.length - 17, bytes.length - 1);
    for (const length of lengths)
      expect(refusal(() => readAsSite(bytes.subarray(0, length)))).toBe('TRUNCATED');
  });

  it('says how many payload bytes are missing', () => {
    expect(() => readAsSite(bytes.subarray(0, bytes.length - 10))).toThrow(
      `expected ${PAYLOAD.length} payload bytes, found ${PAYLOAD.length - 10}`,
    );
  });

  it('refuses extra bytes after the payload', () => {
    expect(refusal(() => readAsSite(Buffer.concat([bytes, Buffer.from([0])])))).toBe('PAYLOAD_CORRUPT');
  });

  it('refuses a file that is not a package', () => {
    expect(refusal(() => readAsSite(Buffer.from('PK\u0003\u0004 a zip file')))).toBe('BAD_MAGIC');
  });

  it('refuses a hostile manifest length without allocating it', () => {
    const hostile = Buffer.from(bytes);
    hostile.writeUInt32BE(0xffffffff, 8);
    expect(refusal(() => readAsSite(hostile))).toBe('MALFORMED_MANIFEST');
  });

  it('refuses a newer format version as UNSUPPORTED_VERSION', () => {
    const newer = reframe(bytes, (m) => {
      m.formatVersion = 3;
    });
    expect(refusal(() => readAsSite(newer))).toBe('UNSUPPORTED_VERSION');
    expect(() => inspectPackage(newer)).toThrow(PackageError);
  });

  it('refuses a manifest that is not canonical JSON even when validly signed', () => {
    const frame = decodeFrame(bytes);
    const spaced = Buffer.from(JSON.stringify(JSON.parse(frame.manifestBytes.toString()), null, 1));
    const repacked = encodeFrame({
      ...frame,
      manifestBytes: spaced,
      signature: sign(spaced, centre.keys.privateKeyPem),
    });
    expect(refusal(() => readAsSite(repacked))).toBe('MALFORMED_MANIFEST');
  });

  it('refuses a package for another recipient', () => {
    const forOther = centreToSite({ recipientCertPem: otherSite.cert });
    expect(refusal(() => readAsSite(forOther))).toBe('NOT_FOR_THIS_RECIPIENT');
  });

  it('refuses to decrypt with a private key that is not the recipient’s', () => {
    expect(refusal(() => readAsSite(bytes, { recipientPrivateKeyPem: otherSite.keys.privateKeyPem }))).toBe(
      'DECRYPT_FAILED',
    );
  });

  it('refuses a signer from another root with the same name', () => {
    const forged = centreToSite({
      signerCertPem: stranger.cert,
      signerPrivateKeyPem: stranger.keys.privateKeyPem,
    });
    expect(refusal(() => readAsSite(forged, { allowedSignerRoles: ['site'] }))).toBe('UNTRUSTED_SIGNER');
  });

  it('refuses a signer whose certificate has expired at read time', () => {
    const later = new Date(NOW.getTime() + 400 * DAY);
    const fromSite = centreToSite({ signerCertPem: site.cert, signerPrivateKeyPem: site.keys.privateKeyPem });
    expect(() => readAsSite(fromSite, { allowedSignerRoles: ['site'], now: later })).toThrow(/expired/);
    expect(refusal(() => readAsSite(fromSite, { allowedSignerRoles: ['site'], now: later }))).toBe(
      'UNTRUSTED_SIGNER',
    );
  });

  it('refuses the wrong kind', () => {
    expect(refusal(() => readAsSite(bytes, { expectedKind: 'authorization' }))).toBe('WRONG_KIND');
    expect(() => readAsSite(bytes, { expectedKind: 'authorization' })).toThrow(
      'This is an exam-data package, but an authorization package was expected.',
    );
  });

  it('refuses a signer whose role is not allowed', () => {
    const fromProctor = centreToSite({
      signerCertPem: proctor.cert,
      signerPrivateKeyPem: proctor.keys.privateKeyPem,
    });
    const allowed: CertRole[] = ['centre'];
    expect(refusal(() => readAsSite(fromProctor, { allowedSignerRoles: allowed }))).toBe(
      'SIGNER_ROLE_NOT_ALLOWED',
    );
  });

  it('binds the payload to its manifest: a re-signed manifest with new meta cannot decrypt it', () => {
    // A trusted signer takes someone else's ciphertext and signs it under different metadata.
    const relabelled = reframe(
      bytes,
      (m) => {
        m.meta = { examId: 'E2025', siteId: '9999' };
      },
      centre,
    );
    expect(refusal(() => readAsSite(relabelled))).toBe('DECRYPT_FAILED');
  });

  it('checks trust before the payload: a corrupt payload from a stranger is UNTRUSTED_SIGNER', () => {
    const forged = centreToSite({
      signerCertPem: stranger.cert,
      signerPrivateKeyPem: stranger.keys.privateKeyPem,
    });
    expect(refusal(() => readAsSite(flip(forged, forged.length - 1), { allowedSignerRoles: ['site'] }))).toBe(
      'UNTRUSTED_SIGNER',
    );
  });
});
