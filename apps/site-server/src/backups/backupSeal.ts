import {
  type CertRole,
  PackageError,
  type PackageKind,
  type VerifiedPackageV2,
  verifyPackageV2,
  writePackageV2,
} from '@exam/crypto';
import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';

/** Whom every backup is sealed for: the province (from the exam data) and the centre root. */
export interface BackupRecipients {
  provinceId: string;
  provinceCertPem: string;
  centreCertPem: string;
}

export function backupRecipients(ctx: SiteContext): BackupRecipients {
  const provinceCertPem = getMeta(ctx.db, 'provinceCertPem');
  const provinceId = getMeta(ctx.db, 'provinceId');
  if (!provinceCertPem || !provinceId) {
    throw new ProtocolError(
      ERROR_CODES.NOT_READY,
      'No exam data has been imported: the province certificate backups are sealed for is not known.',
    );
  }
  return { provinceId, provinceCertPem, centreCertPem: ctx.identity.trustedRootPem };
}

/**
 * The site database's snapshot in the one container (version 2): signed with the site key,
 * its payload key wrapped for the province and for the centre root, so either can open it
 * and anyone can tell it is intact. The site key is key material: passed on, never logged.
 */
export function sealSiteBackup(
  ctx: SiteContext,
  snapshot: Buffer,
  meta: Record<string, unknown>,
  at: number,
): Buffer {
  const r = backupRecipients(ctx);
  return writePackageV2({
    kind: 'site-backup',
    payload: snapshot,
    meta,
    signer: { kind: 'certificate', certPem: ctx.identity.certPem, privateKeyPem: ctx.identity.privateKeyPem },
    recipients: [
      { kind: 'certificate', certPem: r.provinceCertPem },
      { kind: 'certificate', certPem: r.centreCertPem },
    ],
    now: new Date(at),
  });
}

/**
 * Signature, signer chain to the centre root with an allowed role, ciphertext hash: what
 * "verified" means for a backup the site holds (it cannot decrypt it, and need not).
 */
export function verifyBackupFile(
  bytes: Buffer,
  opts: { trustedRootPem: string; kind: PackageKind; signerRoles: CertRole[]; at: number },
): VerifiedPackageV2 {
  try {
    return verifyPackageV2(bytes, {
      expectedKind: opts.kind,
      signer: 'certificate',
      trustedRootPem: opts.trustedRootPem,
      allowedSignerRoles: opts.signerRoles,
      now: new Date(opts.at),
    });
  } catch (e) {
    if (e instanceof PackageError) {
      throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, e.message, { reason: e.code });
    }
    throw e;
  }
}
