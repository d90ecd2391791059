import { CryptoError, fromPkcs12, verifyCertificate } from '@exam/crypto';

export interface ProctorKey {
  /** Held in memory only; never logged (the private key signs each sign-in statement). */
  key: { certPem: string; privateKeyPem: string };
  holder: string;
  role: 'proctor' | 'chief';
  siteId: string;
  /** Null for the chief examiner's key, which serves any room. */
  roomId: string | null;
  /** The centre root the key chains to: backups are encrypted for it. */
  rootPem: string;
}

export class KeyFileError extends Error {
  constructor(
    readonly code: 'BAD_PIN' | 'BAD_KEY_FILE' | 'NOT_A_PROCTOR_KEY' | 'ROOM_MISMATCH',
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = 'KeyFileError';
  }
}

/**
 * The room this key may run. A proctor key names its room, and a different room asked for
 * (`--room`, the sign-in form) is refused rather than quietly replaced by the key's own:
 * a console showing another room than the one asked for misleads whoever watches it. The
 * chief examiner's key names no room and runs the one asked for.
 */
export function roomForKey(key: Pick<ProctorKey, 'roomId'>, requested: string | undefined): string {
  const asked = requested?.trim() || undefined;
  if (key.roomId === null) {
    if (!asked) throw new KeyFileError('NOT_A_PROCTOR_KEY', 'The chief examiner key needs a room chosen.');
    return asked;
  }
  if (asked !== undefined && asked !== key.roomId) {
    throw new KeyFileError(
      'ROOM_MISMATCH',
      `此监考锁属于考场 ${key.roomId}，不能用于考场 ${asked}。请使用考场 ${asked} 的监考锁，或用主考锁选择考场。` +
        ` (This proctor key is for room ${key.roomId}, not ${asked}: use room ${asked}'s key, or the chief examiner's.)`,
      { keyRoom: key.roomId, room: asked },
    );
  }
  return key.roomId;
}

/**
 * Opens a proctor key file (PKCS#12 with a PIN) and reads who it names. The certificate is
 * checked against the chain in the file only to read its subject and validity here; the
 * site server makes the real check against the centre root and the registered keys.
 */
export function openProctorKey(p12: Buffer, pin: string, at = new Date()): ProctorKey {
  let opened: ReturnType<typeof fromPkcs12>;
  try {
    opened = fromPkcs12(p12, pin);
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'BAD_PIN') throw new KeyFileError('BAD_PIN', e.message);
    throw new KeyFileError('BAD_KEY_FILE', e instanceof Error ? e.message : String(e));
  }
  const root = opened.chainPem.at(-1);
  if (!root) throw new KeyFileError('BAD_KEY_FILE', 'The key file holds no issuing certificate.');
  let subject: ReturnType<typeof verifyCertificate>['subject'];
  try {
    subject = verifyCertificate(opened.certPem, {
      trustedRootPem: root,
      intermediatesPem: opened.chainPem.slice(0, -1),
      at,
    }).subject;
  } catch (e) {
    throw new KeyFileError('BAD_KEY_FILE', e instanceof Error ? e.message : String(e));
  }
  if ((subject.role !== 'proctor' && subject.role !== 'chief') || !subject.siteId) {
    throw new KeyFileError('NOT_A_PROCTOR_KEY', 'This key is not a proctor or chief examiner key.');
  }
  return {
    key: { certPem: opened.certPem, privateKeyPem: opened.privateKeyPem },
    holder: subject.commonName,
    role: subject.role,
    siteId: subject.siteId,
    roomId: subject.roomId ?? null,
    rootPem: root,
  };
}
