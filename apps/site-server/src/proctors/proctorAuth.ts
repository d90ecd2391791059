import { CryptoError, certificateFingerprint, verifyCertificate, verifySignature } from '@exam/crypto';
import { ERROR_CODES, type SignInProof, signInStatement } from '@exam/protocol';
import { getRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { HandshakeError } from '../sockets/handshake.js';
import { getRegisteredKey } from './registeredKeysTable.js';

/** How far a sign-in statement's time may be from the server's, either way. */
const MAX_SKEW_MS = 5 * 60_000;

export interface ProctorIdentity {
  role: 'proctor' | 'chief';
  roomId: string;
  holder: string;
  fingerprint: string;
}

/**
 * A proctor console proves it holds a registered key (监考锁): its certificate chains to the
 * centre root and is valid now, its fingerprint is registered for this exam, a proctor's is
 * for this room (a chief examiner's for the whole site), and it signed a fresh statement
 * naming this site and room. Each nonce is accepted once, so a captured handshake cannot
 * be replayed.
 */
export class ProctorAuthenticator {
  private readonly seenNonces = new Map<string, number>();

  constructor(private readonly ctx: SiteContext) {}

  authenticate(roomId: string | undefined, proof: SignInProof | undefined): ProctorIdentity {
    const deny = (why: string) => new HandshakeError(ERROR_CODES.UNAUTHORIZED, why);
    if (!roomId || !proof) throw deny('A proctor console signs in with a registered proctor key.');
    const room = getRoom(this.ctx.db, roomId);
    const siteId = getMeta(this.ctx.db, 'siteId');
    if (!room || !siteId) throw deny(`There is no room ${roomId} at this site.`);
    const now = this.ctx.clock.now();
    let subject: ReturnType<typeof verifyCertificate>['subject'];
    try {
      subject = verifyCertificate(proof.certPem, {
        trustedRootPem: this.ctx.identity.trustedRootPem,
        at: new Date(now),
      }).subject;
    } catch (e) {
      throw deny(
        e instanceof CryptoError
          ? `The proctor key was refused: ${e.message}`
          : 'The proctor key was refused.',
      );
    }
    const fingerprint = certificateFingerprint(proof.certPem);
    const registered = getRegisteredKey(this.ctx.db, fingerprint);
    if (!registered) throw deny('This key is not registered for this exam at this site.');
    if (registered.role === 'proctor' && registered.room_id !== roomId) {
      throw deny(`This proctor key is registered for room ${registered.room_id}, not ${roomId}.`);
    }
    if (subject.siteId !== siteId) throw deny('This key was issued for another site.');
    if (Math.abs(proof.signedAt - now) > MAX_SKEW_MS) {
      throw deny('The sign-in statement is too old or from the future; check the console clock.');
    }
    const statement = signInStatement({ siteId, roomId, signedAt: proof.signedAt, nonce: proof.nonce });
    if (!verifySignature(statement, Buffer.from(proof.signature, 'base64'), proof.certPem)) {
      throw deny('The sign-in signature does not match the key.');
    }
    this.forgetOldNonces(now);
    if (this.seenNonces.has(proof.nonce)) throw deny('This sign-in statement was already used.');
    this.seenNonces.set(proof.nonce, now);
    return { role: registered.role, roomId, holder: registered.holder, fingerprint };
  }

  private forgetOldNonces(now: number): void {
    for (const [nonce, at] of this.seenNonces) if (now - at > 2 * MAX_SKEW_MS) this.seenNonces.delete(nonce);
  }
}
