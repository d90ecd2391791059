import { createExamPki } from '@exam/centre';
import { generateMachineKeyPair, machineFingerprint, writePackageV2 } from '@exam/crypto';
import type { StandaloneAnswerFile, StandalonePackageContent } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openStandaloneAnswerFile,
  standaloneAnswerFileName,
  writeStandaloneAnswerFile,
} from './answerFile.js';
import { newStandaloneCode } from './codes.js';
import { StandaloneError, type StandaloneErrorCode } from './errors.js';
import { writeStandalonePackage } from './package.js';
import {
  type StandaloneTestWorld,
  sampleAnswerFile,
  sampleStandaloneContent,
  standaloneTestWorld,
} from './testing.js';

const NOW = new Date('2026-05-16T01:30:00Z');
const PKI_VALIDITY = { validFrom: new Date('2026-01-01T00:00:00Z'), validDays: 365 };

let world: StandaloneTestWorld;
let content: StandalonePackageContent;
let answers: StandaloneAnswerFile;
let bytes: Buffer;

beforeAll(() => {
  world = standaloneTestWorld({ pki: createExamPki('0101', PKI_VALIDITY) });
  content = sampleStandaloneContent(world, { changes: 4, issuedAt: NOW });
  answers = sampleAnswerFile(world, content, { changes: 30, handIn: true });
  bytes = writeForPackage(content, answers, world);
});

/** What the candidate client does: encrypt for the recipients the package names. */
function writeForPackage(
  pkg: StandalonePackageContent,
  file: StandaloneAnswerFile,
  w: StandaloneTestWorld,
  machineKey = w.machine,
): Buffer {
  return writeStandaloneAnswerFile({
    content: file,
    machineKey,
    recipientCertPems: [pkg.answerRecipients.siteCertPem, pkg.answerRecipients.centreCertPem],
    now: NOW,
  });
}

function asSite(o: { expectedMachinePublicKey?: string; expectedMachineFingerprint?: string } = {}) {
  return {
    recipient: { certPem: world.pki.site.certPem, privateKeyPem: world.pki.site.privateKeyPem },
    ...o,
  };
}

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

describe('a standalone answer file', () => {
  it('opens at the site, from the package’s target machine, with every change and the hand-in', () => {
    const opened = openStandaloneAnswerFile(
      bytes,
      asSite({ expectedMachinePublicKey: world.machine.publicKey }),
    );
    expect(opened.content).toEqual(answers);
    expect(opened.machinePublicKey).toBe(world.machine.publicKey);
    expect(opened.content.changes.map((c) => c.seq)[0]).toBe(content.highestSeq + 1);
    expect(opened.content.handIn).not.toBeNull();
  });

  it('opens at the centre too', () => {
    const centre = { certPem: world.pki.centre.certPem, privateKeyPem: world.pki.centre.privateKeyPem };
    expect(openStandaloneAnswerFile(bytes, { recipient: centre }).content).toEqual(answers);
  });

  it('does not open for a recipient that is neither the site nor the centre', () => {
    const stranger = createExamPki('0102', PKI_VALIDITY).site;
    expect(refusal(() => openStandaloneAnswerFile(bytes, { recipient: stranger }))).toBe('NOT_FOR_RECIPIENT');
  });

  it('shows no answer in the clear', () => {
    expect(bytes.includes(Buffer.from('"changes"'))).toBe(false);
    expect(bytes.includes(Buffer.from(answers.changes[0]!.itemId))).toBe(false);
  });

  it('is named so that a later file never overwrites an earlier one', () => {
    const names = [1, 2, 3].map((n) => standaloneAnswerFileName('210400100001', content.packageId, n));
    expect(new Set(names).size).toBe(3);
    expect(names[1]).toBe(`standalone-210400100001-${content.packageId.slice(0, 8)}-2.exampkg`);
  });
});

describe('a standalone answer file refused', () => {
  it('when another machine re-signs it', () => {
    const thief = generateMachineKeyPair();
    const stolen = { ...answers, machineFingerprint: machineFingerprint(thief.publicKey) };
    const resigned = writeForPackage(content, stolen, world, thief);
    expect(
      refusal(() =>
        openStandaloneAnswerFile(resigned, asSite({ expectedMachinePublicKey: world.machine.publicKey })),
      ),
    ).toBe('WRONG_MACHINE_KEY');
    expect(
      refusal(() =>
        openStandaloneAnswerFile(resigned, asSite({ expectedMachineFingerprint: world.machineFingerprint })),
      ),
    ).toBe('WRONG_MACHINE_KEY');
  });

  it('when another machine signs it but names the target machine inside', () => {
    const thief = generateMachineKeyPair();
    const forged = writePackageV2({
      kind: 'standalone-answers',
      payload: Buffer.from(JSON.stringify(answers)),
      meta: {
        packageId: answers.packageId,
        fileSeq: answers.fileSeq,
        siteId: answers.siteId,
        sittingId: answers.sittingId,
        ticketNo: answers.ticketNo,
        machineFingerprint: world.machineFingerprint,
        handedIn: true,
      },
      signer: { kind: 'machine', privateKeyPem: thief.privateKeyPem },
      recipients: [{ kind: 'certificate', certPem: world.pki.site.certPem }],
    });
    // Even a caller that forgot to name the expected key is not fooled.
    expect(refusal(() => openStandaloneAnswerFile(forged, asSite()))).toBe('WRONG_MACHINE_KEY');
  });

  it('swapped between two candidates: it still names its own package and candidate, under the signature', () => {
    const other = standaloneTestWorld({ pki: world.pki });
    const otherContent = sampleStandaloneContent(other, {
      issuedAt: NOW,
      ticketNo: '210400100002',
      name: '李四',
    });
    // The file of candidate 1, presented as if it were candidate 2's (renamed on the stick).
    const presented = openStandaloneAnswerFile(bytes, asSite());
    expect(presented.content.packageId).toBe(content.packageId);
    expect(presented.content.packageId).not.toBe(otherContent.packageId);
    expect(presented.content.ticketNo).toBe('210400100001');
    // Checked against the second package's target machine, it is refused outright.
    expect(
      refusal(() =>
        openStandaloneAnswerFile(bytes, asSite({ expectedMachinePublicKey: other.machine.publicKey })),
      ),
    ).toBe('WRONG_MACHINE_KEY');
    // And its header cannot be edited to name the other package without breaking the signature.
    const text = bytes.toString('latin1');
    const at = text.indexOf(content.packageId);
    expect(at).toBeGreaterThan(0);
    const edited = Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from(otherContent.packageId, 'latin1'),
      bytes.subarray(at + otherContent.packageId.length),
    ]);
    expect(refusal(() => openStandaloneAnswerFile(edited, asSite()))).toBe('BAD_SIGNATURE');
  });

  it('for any bit flipped in the manifest, the signature or the payload', () => {
    const manifestEnd = 12 + bytes.readUInt32BE(8);
    const signatureEnd = manifestEnd + 4 + bytes.readUInt32BE(manifestEnd);
    const seen = new Map<string, Set<StandaloneErrorCode>>();
    for (let at = 0; at < bytes.length; at += 23) {
      const part = at < manifestEnd ? 'manifest' : at < signatureEnd ? 'signature' : 'payload';
      const code = refusal(() => openStandaloneAnswerFile(flip(bytes, at), asSite()));
      seen.set(part, (seen.get(part) ?? new Set()).add(code));
    }
    expect(seen.get('manifest')).toContain('BAD_SIGNATURE');
    expect([...(seen.get('signature') ?? [])]).toEqual(['BAD_SIGNATURE']);
    expect([...(seen.get('payload') ?? [])]).toEqual(['BAD_FILE']);
  });

  it('when truncated, at any of several lengths, as BAD_FILE', () => {
    const manifestEnd = 12 + bytes.readUInt32BE(8);
    for (const length of [
      0,
      4,
      8,
      12,
      100,
      manifestEnd,
      manifestEnd + 30,
      bytes.length - 200,
      bytes.length - 1,
    ]) {
      expect(refusal(() => openStandaloneAnswerFile(bytes.subarray(0, length), asSite()))).toBe('BAD_FILE');
    }
  });

  it('when it is a standalone package instead of an answer file', () => {
    const pkg = writeStandalonePackage({ content, code: newStandaloneCode(), site: world.site, now: NOW });
    expect(refusal(() => openStandaloneAnswerFile(pkg, asSite()))).toBe('WRONG_KIND');
  });

  it('is not written for a machine other than the key that signs it', () => {
    expect(() => writeForPackage(content, answers, world, generateMachineKeyPair())).toThrow(
      expect.objectContaining({ code: 'BAD_CONTENT' }),
    );
  });
});
