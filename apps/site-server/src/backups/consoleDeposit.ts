import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { certificateFingerprint, sha256Hex } from '@exam/crypto';
import { siteLocalDate, siteTimeStamp } from '@exam/domain';
import { type BackupDepositResult, ERROR_CODES, ProtocolError } from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import { getRegisteredKey } from '../proctors/registeredKeysTable.js';
import type { SiteContext } from '../site/context.js';
import { writeFileDurably } from '../site/durableFile.js';
import { backupRecipients, verifyBackupFile } from './backupSeal.js';
import { backupPathTaken, markBackupVerified, startBackup } from './backupsTable.js';

const refuse = (message: string, details?: Record<string, unknown>) =>
  new ProtocolError(ERROR_CODES.BAD_PACKAGE, message, details);

/**
 * A console's replica backup deposited with the site (issue 18). Kept only if it is a
 * version 2 `backup` package signed by a proctor key registered for this room (or the
 * chief examiner's), made for this room, sealed for both the province and the centre root,
 * and intact; then written durably under `<dataDir>/backups/`, read back, its hash checked,
 * and recorded as the room's backup of the day. A refused file leaves no trace but the log.
 */
export function depositConsoleBackup(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  dir: string,
  bytes: Buffer,
): BackupDepositResult {
  const at = ctx.clock.now();
  const recipients = backupRecipients(ctx);
  const verified = verifyBackupFile(bytes, {
    trustedRootPem: ctx.identity.trustedRootPem,
    kind: 'backup',
    signerRoles: ['proctor', 'chief'],
    at,
  });
  if (verified.signer.kind !== 'certificate') throw refuse('The backup is not signed by a proctor key.');
  const signer = verified.signer.certificate;
  const registered = getRegisteredKey(ctx.db, signer.fingerprint);
  if (!registered) {
    throw refuse(
      `The backup is signed by ${signer.subject.commonName}, whose key is not registered for this exam.`,
    );
  }
  if (registered.role === 'proctor' && registered.room_id !== roomId) {
    throw refuse(
      `The backup is signed by the proctor key of room ${registered.room_id}, not of room ${roomId}.`,
    );
  }
  const madeFor = verified.manifest.meta.roomId;
  if (madeFor !== roomId) {
    throw refuse(`The backup is of room ${String(madeFor).slice(0, 64)}, not of room ${roomId}.`);
  }
  const wrappedFor = new Set(
    verified.manifest.keyWraps.flatMap((w) => (w.kind === 'rsa-oaep' ? [w.recipientFingerprint] : [])),
  );
  for (const [who, pem] of [
    ['province', recipients.provinceCertPem],
    ['centre', recipients.centreCertPem],
  ] as const) {
    if (!wrappedFor.has(certificateFingerprint(pem))) {
      throw refuse(`The backup is not sealed for the ${who}: they could not open it.`);
    }
  }

  mkdirSync(dir, { recursive: true });
  let path = '';
  for (let n = 1; ; n++) {
    const name = `console-${roomId}-${siteTimeStamp(at, { seconds: true })}${n === 1 ? '' : `-${n}`}.exambak`;
    path = join(dir, name);
    if (!backupPathTaken(ctx.db, path)) break;
  }
  const sha256 = sha256Hex(bytes);
  writeFileDurably(path, bytes);
  // What the province will get is what is checked: the file as read back from the disk.
  const written = readFileSync(path);
  if (sha256Hex(written) !== sha256) {
    throw new ProtocolError(ERROR_CODES.INTERNAL, 'The stored backup differs from the bytes received.');
  }
  const madeAt = Date.parse(verified.manifest.createdAt);
  const verifiedAt = ctx.clock.now();
  const backupId = writeTransaction(ctx.db, () => {
    const id = startBackup(ctx.db, {
      kind: 'console',
      sittingId: null,
      roomId,
      day: siteLocalDate(at),
      path,
      at,
    });
    markBackupVerified(ctx.db, id, {
      sha256,
      size: written.length,
      madeAt: Number.isNaN(madeAt) ? at : madeAt,
      at: verifiedAt,
      depositedBy: signer.fingerprint,
    });
    appendAudit(ctx.db, verifiedAt, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'backup.console.deposited',
      subject: roomId,
      data: { file: basename(path), sha256, size: written.length, signer: signer.fingerprint },
    });
    return id;
  });
  ctx.log.info({ roomId, path, sha256, size: written.length }, 'console backup deposited and verified');
  return { backupId, sha256, size: written.length, fileName: basename(path), verifiedAt };
}
