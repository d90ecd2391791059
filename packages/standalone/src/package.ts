import { decryptPackageV2, verifyPackageV2, writePackageV2 } from '@exam/crypto';
import {
  type StandalonePackageContent,
  type StandalonePackageMeta,
  standalonePackageContentSchema,
  standalonePackageMetaSchema,
} from '@exam/protocol';
import { normaliseStandaloneCode } from './codes.js';
import { StandaloneError } from './errors.js';
import { asStandalone, badContent, parseJson } from './refusal.js';

/**
 * The standalone package (issue 17): one candidate's paper, key and answers so far, for one
 * test machine, signed by the site's certificate (site.p12) or, built at a console while the
 * site is down, by that site's chief examiner's certificate, and encrypted under the
 * authorization code only (see codes.ts): the USB stick alone opens no paper. Its header
 * (StandalonePackageMeta) is signed but readable without the code.
 */
export interface StandalonePackageHeader {
  packageId: string;
  sittingId: string;
  roomId: string;
  examDay: string;
  expiresAt: string;
  ticketNo: string;
  name: string;
}

export interface StandalonePackageReader {
  /** The centre root the machine was installed with. */
  trustedRootPem: string;
  /** The machine's own site: a package from or for another site is refused. */
  siteId: string;
  /** machineFingerprint() of this machine's key. */
  machineFingerprint: string;
  now?: Date;
}

/** The package file's name on the stick: who, which package; the answer files sit beside it. */
export function standalonePackageFileName(ticketNo: string, packageId: string): string {
  return `standalone-${ticketNo}-${packageId.slice(0, 8)}.examsa`;
}

/**
 * Who signs a package: the site certificate (site.p12) when the site server builds it, or the
 * chief examiner's certificate of that site when a console builds it from its replica while
 * the site is down (decision 0017, amendment). One builder either way.
 */
export interface StandalonePackageSigner {
  certPem: string;
  chainPem: string[];
  privateKeyPem: string;
}

/** The certificate roles a machine accepts as a package's signer. */
const SIGNER_ROLES = ['site', 'chief'] as const;

/**
 * `signer.privateKeyPem` is key material, `code` is the key to the paper: never log either.
 * `site` is the former name of `signer`.
 */
export function writeStandalonePackage(
  o: {
    content: StandalonePackageContent;
    code: string;
    now?: Date;
  } & ({ signer: StandalonePackageSigner } | { site: StandalonePackageSigner }),
): Buffer {
  const signer = 'signer' in o ? o.signer : o.site;
  const parsed = standalonePackageContentSchema.safeParse(o.content);
  if (!parsed.success) badContent('standalone package', parsed.error);
  const code = normaliseStandaloneCode(o.code);
  if (code === null) throw new RangeError('The code is not a standalone authorization code.');
  const content = parsed.data;
  const meta: StandalonePackageMeta = {
    packageId: content.packageId,
    siteId: content.siteId,
    sittingId: content.sittingId,
    roomId: content.roomId,
    examDay: content.examDay,
    issuedAt: content.issuedAt,
    expiresAt: content.expiresAt,
    targetMachineFingerprint: content.targetMachineFingerprint,
    ticketNo: content.candidate.ticketNo,
    name: content.candidate.name,
  };
  return writePackageV2({
    kind: 'standalone',
    payload: Buffer.from(JSON.stringify(content), 'utf8'),
    meta,
    signer: { kind: 'certificate', ...signer },
    // The packageId salts the code: the same code on two packages derives two keys.
    recipients: [{ kind: 'code', code, salt: content.packageId }],
    ...(o.now ? { now: o.now } : {}),
  });
}

/**
 * Everything a machine can check before the code is typed: the file is whole, signed by a
 * site or chief examiner certificate under the centre root for this site, a standalone package, made for this
 * machine, and not expired. Refusals are StandaloneErrors.
 */
export function inspectStandalonePackage(bytes: Buffer, o: StandalonePackageReader): StandalonePackageHeader {
  return toHeader(verifiedPackage(bytes, o).meta);
}

/** The content, once `inspectStandalonePackage` passes and the code opens it (else WRONG_CODE). */
export function openStandalonePackage(
  bytes: Buffer,
  o: StandalonePackageReader & { code: string },
): StandalonePackageContent {
  const { verified, meta } = verifiedPackage(bytes, o);
  const code = normaliseStandaloneCode(o.code);
  if (code === null)
    throw new StandaloneError('WRONG_CODE', 'The code is not a standalone authorization code.');
  const payload = asStandalone(() => decryptPackageV2(verified, { kind: 'code', code }));
  const parsed = standalonePackageContentSchema.safeParse(parseJson(payload, 'standalone package'));
  if (!parsed.success) badContent('standalone package', parsed.error);
  const content = parsed.data;
  // The header was checked above; the content must say the same, or it is not that package.
  const same =
    content.packageId === meta.packageId &&
    content.siteId === meta.siteId &&
    content.sittingId === meta.sittingId &&
    content.roomId === meta.roomId &&
    content.examDay === meta.examDay &&
    content.issuedAt === meta.issuedAt &&
    content.expiresAt === meta.expiresAt &&
    content.targetMachineFingerprint === meta.targetMachineFingerprint &&
    content.candidate.ticketNo === meta.ticketNo &&
    content.candidate.name === meta.name;
  if (!same) badContent('standalone package (it does not match its header)');
  return content;
}

function verifiedPackage(bytes: Buffer, o: StandalonePackageReader) {
  const verified = asStandalone(() =>
    verifyPackageV2(bytes, {
      expectedKind: 'standalone',
      signer: 'certificate',
      trustedRootPem: o.trustedRootPem,
      allowedSignerRoles: [...SIGNER_ROLES],
      ...(o.now ? { now: o.now } : {}),
    }),
  );
  const parsed = standalonePackageMetaSchema.safeParse(verified.manifest.meta);
  if (!parsed.success) badContent('standalone package header', parsed.error);
  const meta = parsed.data;
  if (verified.signer.kind !== 'certificate')
    throw new Error('unreachable: a certificate signer was required');
  const { siteId: signerSite, role } = verified.signer.certificate.subject;
  if (signerSite !== meta.siteId) {
    // A site certificate, or a chief examiner's, speaks only for its own site.
    const whose = role === 'chief' ? "the chief examiner's certificate" : 'the certificate';
    throw new StandaloneError(
      'UNTRUSTED_SIGNER',
      `The package names site ${meta.siteId} but is signed by ${whose} of site ${signerSite ?? '(none)'}.`,
    );
  }
  if (meta.siteId !== o.siteId) {
    throw new StandaloneError(
      'WRONG_SITE',
      `The package is for site ${meta.siteId}, not for this site (${o.siteId}).`,
    );
  }
  if (meta.targetMachineFingerprint !== o.machineFingerprint) {
    throw new StandaloneError('WRONG_MACHINE', 'The package was made for another test machine.');
  }
  if ((o.now ?? new Date()).getTime() >= Date.parse(meta.expiresAt)) {
    throw new StandaloneError('EXPIRED', `The package expired at ${meta.expiresAt}.`);
  }
  return { verified, meta };
}

function toHeader(meta: StandalonePackageMeta): StandalonePackageHeader {
  const { packageId, sittingId, roomId, examDay, expiresAt, ticketNo, name } = meta;
  return { packageId, sittingId, roomId, examDay, expiresAt, ticketNo, name };
}
