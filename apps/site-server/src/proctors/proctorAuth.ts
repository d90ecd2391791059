import { randomBytes } from 'node:crypto';
import { CryptoError, certificateFingerprint, verifyCertificate, verifySignature } from '@exam/crypto';
import { PROCTOR_SIGN_IN } from '@exam/domain';
import { ERROR_CODES, ProtocolError, type SignInRequest, signInStatement } from '@exam/protocol';
import { writeTransaction } from '../db/transactions.js';
import { getRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getRegisteredKey } from './registeredKeysTable.js';
import {
  deleteChallengesIssuedBefore,
  getChallenge,
  insertChallenge,
  markChallengeUsed,
} from './signInChallengesTable.js';

export interface ProctorIdentity {
  role: 'proctor' | 'chief';
  roomId: string;
  holder: string;
  fingerprint: string;
}

/** A refused sign-in: the console sees UNAUTHORIZED and the message; the server logs `reason`. */
export class SignInRefused extends ProtocolError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(ERROR_CODES.UNAUTHORIZED, message);
  }
}

/** What the server knows of the connection a sign-in arrives on (never from the message). */
export interface SignInConnection {
  /** The socket.io connection's id: a challenge is answered on the connection it went to. */
  id: string;
  /** This connection's TLS exporter value (base64), computed on the server's side of it. */
  tlsBinding: string;
}

/**
 * A proctor console proves it holds a registered key (监考锁) by answering a challenge inside
 * its TLS connection (issue 16): its certificate chains to the centre root and is valid at the
 * server's own clock, its fingerprint is registered for this exam, a proctor's for this room
 * (a chief examiner's for the whole site), and it signed {siteId, roomId, challenge, binding}
 * where the challenge is one this server issued to this connection, unused and unexpired, and
 * the binding is this connection's. The console takes no time from the server, and nothing it
 * signs is worth anything on another connection, later, or after a restart: challenges live
 * in site.db and are marked used in the transaction that accepts them.
 */
export class ProctorSignIn {
  constructor(private readonly ctx: SiteContext) {}

  /** A fresh challenge for this connection, stored (fsync'd) before the console sees it. */
  issueChallenge(connectionId: string): string {
    const challenge = randomBytes(32).toString('base64url');
    const now = this.ctx.clock.now();
    writeTransaction(this.ctx.db, () => {
      deleteChallengesIssuedBefore(this.ctx.db, now - PROCTOR_SIGN_IN.challengeRetentionMs);
      insertChallenge(this.ctx.db, challenge, connectionId, now);
    });
    return challenge;
  }

  signIn(req: SignInRequest, conn: SignInConnection): ProctorIdentity {
    const { db, clock, identity } = this.ctx;
    const room = getRoom(db, req.roomId);
    const siteId = getMeta(db, 'siteId');
    if (!room || !siteId)
      throw new SignInRefused('unknown-room', `There is no room ${req.roomId} at this site.`);
    const now = clock.now();
    let subject: ReturnType<typeof verifyCertificate>['subject'];
    try {
      subject = verifyCertificate(req.certPem, {
        trustedRootPem: identity.trustedRootPem,
        at: new Date(now),
      }).subject;
    } catch (e) {
      const why = e instanceof CryptoError ? e.message : 'unreadable certificate';
      throw new SignInRefused('certificate', `The proctor key was refused: ${why}`);
    }
    const fingerprint = certificateFingerprint(req.certPem);
    const registered = getRegisteredKey(db, fingerprint);
    if (!registered) {
      throw new SignInRefused('not-registered', 'This key is not registered for this exam at this site.');
    }
    if (registered.role === 'proctor' && registered.room_id !== req.roomId) {
      throw new SignInRefused(
        'other-room',
        `This proctor key is registered for room ${registered.room_id}, not ${req.roomId}.`,
      );
    }
    if (subject.siteId !== siteId)
      throw new SignInRefused('other-site', 'This key was issued for another site.');
    const statement = signInStatement({
      siteId,
      roomId: req.roomId,
      challenge: req.challenge,
      tlsBinding: conn.tlsBinding,
    });
    if (!verifySignature(statement, Buffer.from(req.signature, 'base64'), req.certPem)) {
      // Also what a relayed statement looks like: signed over another connection's binding.
      throw new SignInRefused(
        'signature',
        'The sign-in signature does not match this key, this connection and its challenge.',
      );
    }
    writeTransaction(db, () => {
      const issued = getChallenge(db, req.challenge);
      if (!issued || issued.connection_id !== conn.id) {
        throw new SignInRefused('foreign-challenge', 'This challenge was not issued to this connection.');
      }
      if (issued.used_at !== null) throw new SignInRefused('replayed', 'This challenge was already used.');
      if (now - issued.issued_at > PROCTOR_SIGN_IN.challengeTtlMs) {
        throw new SignInRefused('expired', 'This challenge has expired; connect again.');
      }
      if (!markChallengeUsed(db, req.challenge, now, fingerprint)) {
        throw new SignInRefused('replayed', 'This challenge was already used.');
      }
    });
    return { role: registered.role, roomId: req.roomId, holder: registered.holder, fingerprint };
  }
}
