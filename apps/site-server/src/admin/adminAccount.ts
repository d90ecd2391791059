import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Lockout } from '@exam/domain';
import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { writeFileDurably } from '../site/durableFile.js';
import { FailureLimiter } from '../site/failureLimiter.js';
import { getAdminPassword, setAdminPassword } from './adminPasswordTable.js';
import { type AdminSession, createAdminSession, endAdminSession } from './adminSessions.js';
import { deleteAllAdminSessions, deleteOtherAdminSessions } from './adminSessionsTable.js';
import { newInitialPassword, normaliseInitialPassword } from './initialPassword.js';
import { hashPassword, passwordMatches } from './passwordHash.js';

/** Five wrong passwords from one address lock its sign-in for ten minutes (decision 0018). */
export const ADMIN_SIGN_IN_LOCKOUT: Lockout = Object.freeze({ maxFailures: 5, windowMs: 10 * 60 * 1000 });

export const INITIAL_PASSWORD_FILE = 'admin-initial-password';

const system: Actor = { role: 'system', id: 'site-server' };

/**
 * On the first start (no password in site.db), a one-time initial password: written to
 * `<dataDir>/admin-initial-password` (owner-only) for the admin to read on the server, only
 * its hash kept. Its path is logged, never the password. The hash is made on libuv's pool, so
 * the start is not held up; sign-in waits for it (the promise returned), and so does close.
 * A stop before the hash is stored leaves no row: the next start writes a new password.
 */
export function ensureAdminPassword(ctx: SiteContext, dataDir: string): Promise<void> | null {
  if (getAdminPassword(ctx.db)) return null;
  const password = newInitialPassword();
  const path = join(dataDir, INITIAL_PASSWORD_FILE);
  // The file first: a crash between the two leaves a file and no hash, and the next start
  // makes a new pair; the other way round would leave a hash nobody can sign in with.
  writeFileDurably(path, Buffer.from(`${password}\n`, 'utf8'), 0o600);
  ctx.log.info({ path }, 'site admin initial password written (sign in with it, then change it)');
  // The audit event now, with the file; the later write touches only admin_password, so
  // nothing in the audit chain moves under a reader after the start.
  appendAudit(ctx.db, ctx.clock.now(), {
    actorRole: system.role,
    actorId: system.id,
    action: 'admin-initial-password-created',
    subject: 'site-admin',
    data: { file: INITIAL_PASSWORD_FILE },
  });
  return hashPassword(password).then(
    (scrypt) => setAdminPassword(ctx.db, { scrypt, initial: 1, set_at: ctx.clock.now() }),
    (e: unknown) => ctx.log.error({ err: e }, 'the initial admin password could not be hashed'),
  );
}

/** Sign-in and password changes of the one site admin account. */
export class AdminAccount {
  private readonly limiter: FailureLimiter;

  constructor(
    private readonly ctx: SiteContext,
    private readonly dataDir: string,
    /** The initial password's hash being stored (ensureAdminPassword); null when there is one. */
    private readonly passwordReady: Promise<void> | null = null,
  ) {
    this.limiter = new FailureLimiter(ctx.db, 'admin-sign-in', ADMIN_SIGN_IN_LOCKOUT);
  }

  isInitialPassword(): boolean {
    return getAdminPassword(this.ctx.db)?.initial === 1;
  }

  /** A new session for the right password; refuses while the address is locked out. */
  async signIn(password: string, address: string): Promise<{ cookie: string; session: AdminSession }> {
    await this.checkPassword(password, address, 'admin-sign-in-failed');
    const now = this.ctx.clock.now();
    return writeTransaction(this.ctx.db, () => {
      const created = createAdminSession(this.ctx.db, address, now);
      this.limiter.reset(address);
      appendAudit(this.ctx.db, now, {
        actorRole: 'site-admin',
        actorId: `session:${created.session.id.slice(0, 12)}`,
        action: 'admin-signed-in',
        subject: 'site-admin',
        data: { address },
      });
      return created;
    });
  }

  signOut(session: AdminSession, actor: Actor): void {
    const now = this.ctx.clock.now();
    writeTransaction(this.ctx.db, () => {
      endAdminSession(this.ctx.db, session);
      appendAudit(this.ctx.db, now, {
        actorRole: actor.role,
        actorId: actor.id,
        action: 'admin-signed-out',
        subject: 'site-admin',
      });
    });
  }

  /**
   * A new password (at least 12 characters) for the right old one. Every other session ends
   * (whoever else knew the old password is signed out), and the initial password's file goes.
   */
  async changePassword(
    oldPassword: string,
    newPassword: string,
    address: string,
    actor: Actor,
    keep: AdminSession | null,
  ): Promise<void> {
    await this.checkPassword(oldPassword, address, 'admin-password-change-failed');
    if (normaliseInitialPassword(newPassword) !== null) {
      throw new ProtocolError(
        ERROR_CODES.INVALID_MESSAGE,
        'Choose a password of your own, not one in the initial password’s format.',
      );
    }
    const scrypt = await hashPassword(newPassword);
    const now = this.ctx.clock.now();
    writeTransaction(this.ctx.db, () => {
      setAdminPassword(this.ctx.db, { scrypt, initial: 0, set_at: now });
      if (keep) deleteOtherAdminSessions(this.ctx.db, keep.id);
      else deleteAllAdminSessions(this.ctx.db);
      appendAudit(this.ctx.db, now, {
        actorRole: actor.role,
        actorId: actor.id,
        action: 'admin-password-changed',
        subject: 'site-admin',
        data: { address },
      });
    });
    const initial = join(this.dataDir, INITIAL_PASSWORD_FILE);
    if (existsSync(initial)) rmSync(initial, { force: true });
  }

  private async checkPassword(password: string, address: string, failure: string): Promise<void> {
    await this.passwordReady;
    const now = this.ctx.clock.now();
    if (this.limiter.isBlocked(address, now)) {
      throw new ProtocolError(
        ERROR_CODES.RATE_LIMITED,
        'Too many wrong passwords from this address: sign-in is locked for 10 minutes.',
      );
    }
    const stored = getAdminPassword(this.ctx.db);
    // The initial password forgives what people confuse (O/0, I/L/1, dashes, case).
    const candidate = stored?.initial === 1 ? (normaliseInitialPassword(password) ?? password) : password;
    if (stored && (await passwordMatches(candidate, stored.scrypt))) return;
    const at = this.ctx.clock.now();
    writeTransaction(this.ctx.db, () => {
      this.limiter.recordFailure(address, at);
      appendAudit(this.ctx.db, at, {
        actorRole: 'site-admin',
        actorId: 'unknown',
        action: failure,
        subject: 'site-admin',
        data: { address },
      });
    });
    throw new ProtocolError(ERROR_CODES.UNAUTHORIZED, 'Wrong password.');
  }
}
