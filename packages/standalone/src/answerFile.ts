import {
  decryptPackageV2,
  type MachineKeyPair,
  machineFingerprint,
  verifyPackageV2,
  writePackageV2,
} from '@exam/crypto';
import {
  type StandaloneAnswerFile,
  type StandaloneAnswerFileMeta,
  standaloneAnswerFileMetaSchema,
  standaloneAnswerFileSchema,
} from '@exam/protocol';
import { StandaloneError } from './errors.js';
import { asStandalone, badContent, parseJson } from './refusal.js';

/**
 * The answer file a test machine writes in standalone mode (issue 17): signed with the
 * machine's own Ed25519 key (the site knows it as the package's target machine) and encrypted
 * for the site and for the centre, so either can collect it and nobody else can read it.
 * Its header (whose, which file, whether it holds the hand-in) is signed but readable.
 */
export function writeStandaloneAnswerFile(o: {
  content: StandaloneAnswerFile;
  /** Key material: never log `privateKeyPem`. */
  machineKey: MachineKeyPair;
  /** The site certificate and the centre certificate (the package's answerRecipients). */
  recipientCertPems: string[];
  now?: Date;
}): Buffer {
  const parsed = standaloneAnswerFileSchema.safeParse(o.content);
  if (!parsed.success) badContent('standalone answer file', parsed.error);
  const content = parsed.data;
  if (content.machineFingerprint !== machineFingerprint(o.machineKey.publicKey)) {
    badContent('standalone answer file (it names another machine than the key that signs it)');
  }
  const meta: StandaloneAnswerFileMeta = {
    packageId: content.packageId,
    fileSeq: content.fileSeq,
    siteId: content.siteId,
    sittingId: content.sittingId,
    ticketNo: content.ticketNo,
    machineFingerprint: content.machineFingerprint,
    handedIn: content.handIn !== null,
  };
  return writePackageV2({
    kind: 'standalone-answers',
    payload: Buffer.from(JSON.stringify(content), 'utf8'),
    meta,
    signer: { kind: 'machine', privateKeyPem: o.machineKey.privateKeyPem },
    recipients: o.recipientCertPems.map((certPem) => ({ kind: 'certificate' as const, certPem })),
    ...(o.now ? { now: o.now } : {}),
  });
}

/**
 * Checks an answer file whole (framing, machine signature, kind, ciphertext), that its signer
 * is the expected machine when the caller names it (else WRONG_MACHINE_KEY), then decrypts it
 * with the recipient's key (NOT_FOR_RECIPIENT if it was not made for it). The content names its
 * package, candidate and machine, all under the signature: a file renamed or swapped between
 * candidates still says whose it is. `recipient.privateKeyPem` is key material.
 */
export function openStandaloneAnswerFile(
  bytes: Buffer,
  o: {
    recipient: { certPem: string; privateKeyPem: string };
    /** base64 SPKI DER of the package's target machine key. */
    expectedMachinePublicKey?: string;
    /** Or its fingerprint, where the caller holds only that. */
    expectedMachineFingerprint?: string;
  },
): { content: StandaloneAnswerFile; machinePublicKey: string } {
  const verified = asStandalone(() =>
    verifyPackageV2(bytes, {
      expectedKind: 'standalone-answers',
      signer: 'machine',
      ...(o.expectedMachinePublicKey !== undefined
        ? { expectedMachinePublicKey: o.expectedMachinePublicKey }
        : {}),
    }),
  );
  if (verified.signer.kind !== 'machine') throw new Error('unreachable: a machine signer was required');
  const { publicKey, fingerprint } = verified.signer;
  if (o.expectedMachineFingerprint !== undefined && fingerprint !== o.expectedMachineFingerprint) {
    throw new StandaloneError(
      'WRONG_MACHINE_KEY',
      'The answer file is signed by another machine than the package was made for.',
    );
  }
  const meta = standaloneAnswerFileMetaSchema.safeParse(verified.manifest.meta);
  if (!meta.success) badContent('standalone answer file header', meta.error);
  if (meta.data.machineFingerprint !== fingerprint) {
    throw new StandaloneError(
      'WRONG_MACHINE_KEY',
      'The answer file names another machine than the key that signed it.',
    );
  }
  const payload = asStandalone(() =>
    decryptPackageV2(verified, {
      kind: 'certificate',
      certPem: o.recipient.certPem,
      privateKeyPem: o.recipient.privateKeyPem,
    }),
  );
  const parsed = standaloneAnswerFileSchema.safeParse(parseJson(payload, 'standalone answer file'));
  if (!parsed.success) badContent('standalone answer file', parsed.error);
  const content = parsed.data;
  const same =
    content.packageId === meta.data.packageId &&
    content.fileSeq === meta.data.fileSeq &&
    content.siteId === meta.data.siteId &&
    content.sittingId === meta.data.sittingId &&
    content.ticketNo === meta.data.ticketNo &&
    content.machineFingerprint === meta.data.machineFingerprint &&
    (content.handIn !== null) === meta.data.handedIn;
  if (!same) badContent('standalone answer file (it does not match its header)');
  return { content, machinePublicKey: publicKey };
}

/** Never overwrites an earlier file: the file sequence is in the name. */
export function standaloneAnswerFileName(ticketNo: string, packageId: string, fileSeq: number): string {
  return `standalone-${ticketNo}-${packageId.slice(0, 8)}-${fileSeq}.exampkg`;
}
