import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';
import { createRootCertificate, issueCertificate } from './certificates.js';
import type { CertSubject } from './certSubject.js';
import {
  decryptPackageV2,
  inspectPackage,
  readPackage,
  verifyPackageV2,
  writePackage,
  writePackageV2,
} from './container.js';
import { PackageError, type PackageErrorCode } from './errors.js';
import { decodeFrame, encodeFrame } from './framing.js';
import { generateKeyPair, type KeyPair } from './keys.js';
import { generateMachineKeyPair, type MachineKeyPair, signMachineProof } from './machineKeys.js';
import { sign } from './signatures.js';

const DAY = 86_400_000;
const NOW = new Date('2025-06-07T08:00:00Z');
const VALID_FROM = new Date(NOW.getTime() - 30 * DAY);
const CODE = 'K7QM-2ZX9-HB4T';
const SALT = '0123456789abcdef0123456789abcdef';

interface Party {
  keys: KeyPair;
  cert: string;
}

let centre: Party;
let site: Party;
let otherSite: Party;
let strangerRoot: Party;
let stranger: Party;
let machine: MachineKeyPair;
let otherMachine: MachineKeyPair;

function party(issuer: Party, subject: CertSubject, keys = generateKeyPair()): Party {
  const cert = issueCertificate({
    issuerCertPem: issuer.cert,
    issuerPrivateKeyPem: issuer.keys.privateKeyPem,
    subject,
    publicKeyPem: keys.publicKeyPem,
    validFrom: VALID_FROM,
    validDays: 365,
  });
  return { keys, cert };
}

function rootParty(): Party {
  const keys = generateKeyPair();
  const cert = createRootCertificate({
    commonName: 'Exam Centre Root',
    keyPair: keys,
    validFrom: VALID_FROM,
    validDays: 3650,
  });
  return { keys, cert };
}

beforeAll(() => {
  centre = rootParty();
  site = party(centre, { commonName: 'Site 0101', role: 'site', siteId: '0101' });
  otherSite = party(centre, { commonName: 'Site 0102', role: 'site', siteId: '0102' });
  strangerRoot = rootParty(); // same name, another key
  stranger = party(strangerRoot, { commonName: 'Site 0101', role: 'site', siteId: '0101' }, site.keys);
  machine = generateMachineKeyPair();
  otherMachine = generateMachineKeyPair();
});

const PAYLOAD = Buffer.from(JSON.stringify({ paper: '第1题 单项选择', answers: [1, 2, 3] }));

/** Site -> one test machine, opened with a code (the standalone package's shape). */
function codePackage(overrides: Partial<Parameters<typeof writePackageV2>[0]> = {}): Buffer {
  return writePackageV2({
    kind: 'standalone',
    payload: PAYLOAD,
    meta: { packageId: SALT },
    signer: { kind: 'certificate', certPem: site.cert, privateKeyPem: site.keys.privateKeyPem },
    recipients: [{ kind: 'code', code: CODE, salt: SALT }],
    now: NOW,
    ...overrides,
  });
}

/** A test machine -> the site and the centre (the standalone answer file's shape). */
function machineFile(signer: MachineKeyPair = machine, recipients = [site.cert, centre.cert]): Buffer {
  return writePackageV2({
    kind: 'standalone-answers',
    payload: PAYLOAD,
    meta: { fileSeq: 1 },
    signer: { kind: 'machine', privateKeyPem: signer.privateKeyPem },
    recipients: recipients.map((certPem) => ({ kind: 'certificate' as const, certPem })),
    now: NOW,
  });
}

function verifyFromSite(bytes: Buffer, now = NOW) {
  return verifyPackageV2(bytes, {
    expectedKind: 'standalone',
    signer: 'certificate',
    trustedRootPem: centre.cert,
    allowedSignerRoles: ['site'],
    now,
  });
}

function openWithCode(bytes: Buffer, code = CODE): Buffer {
  return decryptPackageV2(verifyFromSite(bytes), { kind: 'code', code });
}

function openAs(bytes: Buffer, recipient: Party, expectedMachinePublicKey?: string): Buffer {
  const verified = verifyPackageV2(bytes, {
    expectedKind: 'standalone-answers',
    signer: 'machine',
    ...(expectedMachinePublicKey ? { expectedMachinePublicKey } : {}),
  });
  return decryptPackageV2(verified, {
    kind: 'certificate',
    certPem: recipient.cert,
    privateKeyPem: recipient.keys.privateKeyPem,
  });
}

function refusal(fn: () => unknown): PackageErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof PackageError) {
      expect(e.message).toMatch(/^[A-Z].*\.$/s);
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

/** Edits the manifest and signs it again with `sign` (or keeps the old signature). */
function reframe(
  bytes: Buffer,
  edit: (m: Record<string, unknown>) => void,
  sign?: (b: Buffer) => Buffer,
): Buffer {
  const frame = decodeFrame(bytes);
  const manifest = JSON.parse(frame.manifestBytes.toString('utf8')) as Record<string, unknown>;
  edit(manifest);
  const manifestBytes = Buffer.from(canonicalJson(manifest));
  return encodeFrame({
    manifestBytes,
    signature: sign ? sign(manifestBytes) : frame.signature,
    payload: frame.payload,
  });
}

describe('version 2 packages opened with a code', () => {
  it('round-trips with the right code and names the signer', () => {
    const bytes = codePackage();
    const verified = verifyFromSite(bytes);
    expect(verified.signer.kind === 'certificate' && verified.signer.certificate.subject.siteId).toBe('0101');
    expect(decryptPackageV2(verified, { kind: 'code', code: CODE }).equals(PAYLOAD)).toBe(true);
    expect(inspectPackage(bytes)).toMatchObject({
      formatVersion: 2,
      kind: 'standalone',
      meta: { packageId: SALT },
    });
  });

  it('refuses a wrong code as WRONG_CODE', () => {
    expect(refusal(() => openWithCode(codePackage(), 'K7QM-2ZX9-HB4V'))).toBe('WRONG_CODE');
  });

  it('keeps the payload from anyone without the code: no plaintext in the file', () => {
    const bytes = codePackage();
    expect(bytes.includes(Buffer.from('单项选择'))).toBe(false);
    expect(bytes.includes(Buffer.from('answers'))).toBe(false);
  });

  it('refuses a certificate key where only a code opens it', () => {
    const verified = verifyFromSite(codePackage());
    expect(
      refusal(() =>
        decryptPackageV2(verified, {
          kind: 'certificate',
          certPem: site.cert,
          privateKeyPem: site.keys.privateKeyPem,
        }),
      ),
    ).toBe('NOT_FOR_THIS_RECIPIENT');
  });

  it('binds the code wrap to its salt: the wrap moved under another salt and re-signed opens nothing', () => {
    const moved = reframe(
      codePackage(),
      (m) => {
        const wraps = m.keyWraps as { salt: string }[];
        wraps[0]!.salt = 'fedcba9876543210fedcba9876543210';
      },
      (b) => signWith(b, site),
    );
    expect(refusal(() => openWithCode(moved))).toBe('WRONG_CODE');
  });

  it('binds the payload to its manifest: re-signed with new meta by the same signer, it does not decrypt', () => {
    const relabelled = reframe(
      codePackage(),
      (m) => {
        m.meta = { packageId: 'another' };
      },
      (b) => signWith(b, site),
    );
    expect(refusal(() => openWithCode(relabelled))).toBe('DECRYPT_FAILED');
  });

  it('refuses a signer from another root with the same name, and a role not allowed', () => {
    const forged = codePackage({
      signer: { kind: 'certificate', certPem: stranger.cert, privateKeyPem: stranger.keys.privateKeyPem },
    });
    expect(refusal(() => verifyFromSite(forged))).toBe('UNTRUSTED_SIGNER');
    const fromCentre = codePackage({
      signer: { kind: 'certificate', certPem: centre.cert, privateKeyPem: centre.keys.privateKeyPem },
    });
    expect(refusal(() => verifyFromSite(fromCentre))).toBe('SIGNER_ROLE_NOT_ALLOWED');
  });

  it('refuses a machine-signed file where a certificate must sign', () => {
    const fromMachine = writePackageV2({
      kind: 'standalone',
      payload: PAYLOAD,
      signer: { kind: 'machine', privateKeyPem: machine.privateKeyPem },
      recipients: [{ kind: 'code', code: CODE, salt: SALT }],
    });
    expect(refusal(() => verifyFromSite(fromMachine))).toBe('UNTRUSTED_SIGNER');
  });

  it('refuses a signer certificate expired at read time', () => {
    expect(refusal(() => verifyFromSite(codePackage(), new Date(NOW.getTime() + 400 * DAY)))).toBe(
      'UNTRUSTED_SIGNER',
    );
  });

  it('refuses flips in the manifest, the signature and the payload, and truncation', () => {
    const bytes = codePackage();
    const manifestEnd = 12 + bytes.readUInt32BE(8);
    const signatureEnd = manifestEnd + 4 + bytes.readUInt32BE(manifestEnd);
    const codes = new Set<PackageErrorCode>();
    for (let at = 0; at < bytes.length; at += 13) codes.add(refusal(() => openWithCode(flip(bytes, at))));
    expect(codes.has('BAD_SIGNATURE')).toBe(true);
    expect(codes.has('PAYLOAD_CORRUPT')).toBe(true);
    expect(codes.has('WRONG_CODE')).toBe(false); // nothing signed can be changed to look like a wrong code
    for (const length of [0, 5, 12, manifestEnd - 1, manifestEnd + 2, signatureEnd - 1, bytes.length - 1]) {
      expect(refusal(() => openWithCode(bytes.subarray(0, length)))).toBe('TRUNCATED');
    }
  });
});

describe('version 2 files signed by a machine key for several recipients', () => {
  it('opens for each recipient, and names the machine key that signed', () => {
    const bytes = machineFile();
    expect(openAs(bytes, site).equals(PAYLOAD)).toBe(true);
    expect(openAs(bytes, centre, machine.publicKey).equals(PAYLOAD)).toBe(true);
    const verified = verifyPackageV2(bytes, { expectedKind: 'standalone-answers', signer: 'machine' });
    expect(verified.signer).toMatchObject({ kind: 'machine', publicKey: machine.publicKey });
  });

  it('refuses a recipient it was not made for', () => {
    expect(refusal(() => openAs(machineFile(), otherSite))).toBe('NOT_FOR_THIS_RECIPIENT');
  });

  it('refuses a file signed by another machine than the expected one', () => {
    expect(refusal(() => openAs(machineFile(otherMachine), site, machine.publicKey))).toBe(
      'WRONG_SIGNER_KEY',
    );
  });

  it('refuses a file whose machine key was swapped for another machine’s, re-signed by that machine', () => {
    // The attacker has their own machine's key only: they can re-sign, but as themselves.
    const swapped = reframe(
      machineFile(),
      (m) => {
        m.signer = { kind: 'machine', publicKey: otherMachine.publicKey };
      },
      (b) => Buffer.from(signMachineProof(otherMachine.privateKeyPem, b.toString('utf8')), 'base64'),
    );
    expect(refusal(() => openAs(swapped, site, machine.publicKey))).toBe('WRONG_SIGNER_KEY');
    const claimed = reframe(machineFile(otherMachine), (m) => {
      m.signer = { kind: 'machine', publicKey: machine.publicKey };
    });
    expect(refusal(() => openAs(claimed, site, machine.publicKey))).toBe('BAD_SIGNATURE');
  });

  it('refuses a certificate-signed file where a machine must sign, and the wrong kind', () => {
    expect(
      refusal(() =>
        verifyPackageV2(codePackage({ kind: 'standalone-answers' }), {
          expectedKind: 'standalone-answers',
          signer: 'machine',
        }),
      ),
    ).toBe('UNTRUSTED_SIGNER');
    expect(
      refusal(() => verifyPackageV2(machineFile(), { expectedKind: 'standalone', signer: 'machine' })),
    ).toBe('WRONG_KIND');
  });

  it('refuses two key wraps for the same recipient', () => {
    const doubled = reframe(machineFile(), (m) => {
      const wraps = m.keyWraps as unknown[];
      wraps.push(wraps[0]);
    });
    expect(refusal(() => openAs(doubled, site))).toBe('MALFORMED_MANIFEST');
  });
});

describe('version 1 and version 2 side by side', () => {
  it('writes version 1 as before and refuses to mix the readers', () => {
    const v1 = writePackage({
      kind: 'answers',
      payload: PAYLOAD,
      signerCertPem: site.cert,
      signerPrivateKeyPem: site.keys.privateKeyPem,
      recipientCertPem: centre.cert,
      now: NOW,
    });
    expect(inspectPackage(v1).formatVersion).toBe(1);
    expect(refusal(() => verifyFromSite(v1))).toBe('UNSUPPORTED_VERSION');
    const v2 = codePackage();
    expect(
      refusal(() =>
        readPackage(v2, {
          trustedRootPem: centre.cert,
          recipientCertPem: site.cert,
          recipientPrivateKeyPem: site.keys.privateKeyPem,
          now: NOW,
        }),
      ),
    ).toBe('UNSUPPORTED_VERSION');
  });
});

function signWith(bytes: Buffer, signer: Party): Buffer {
  return sign(bytes, signer.keys.privateKeyPem);
}
