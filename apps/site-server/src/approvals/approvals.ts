import { type ApprovalParams, normaliseApprovalCode, unwrapKey, verifyApprovalCode } from '@exam/crypto';
import { minutesText, RULES } from '@exam/domain';
import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import type { SiteContext } from '../site/context.js';
import { FailureLimiter } from '../site/failureLimiter.js';
import { getMeta } from '../site/metaTable.js';
import { markCodeUsed } from './usedApprovalCodesTable.js';

/**
 * Checks approval codes offline against the authorization's keys. Wrong codes are counted
 * per room and lock the room's code entry (RULES.approvalCodeLockout); a right code is
 * usable once. The caller records the use in the audit chain in the same transaction as
 * the action it authorises (`consume`).
 */
export class ApprovalGate {
  private readonly failures: FailureLimiter;

  constructor(private readonly ctx: SiteContext) {
    // Counted in site.db: a restart does not give a code guesser a fresh count.
    this.failures = new FailureLimiter(ctx.db, 'approval-room', RULES.approvalCodeLockout);
  }

  /** Verifies without consuming; throws a typed error a proctor can act on. */
  check(code: string, params: ApprovalParams): string {
    const now = this.ctx.clock.now();
    if (this.failures.isBlocked(params.roomId, now)) {
      throw new ProtocolError(
        ERROR_CODES.RATE_LIMITED,
        `Too many wrong approval codes in this room; wait ${minutesText(RULES.approvalCodeLockout.windowMs)}.`,
      );
    }
    const wrapped = getMeta(
      this.ctx.db,
      params.authority === 'province' ? 'approvalKeyProvince' : 'approvalKeyCentre',
    );
    if (!wrapped) throw new ProtocolError(ERROR_CODES.NOT_READY, 'The authorization has not been imported.');
    const key = unwrapKey(Buffer.from(wrapped, 'base64'), this.ctx.identity.privateKeyPem);
    if (!verifyApprovalCode(key, params, code)) {
      this.failures.recordFailure(params.roomId, now);
      throw new ProtocolError(ERROR_CODES.BAD_CODE, 'This approval code is not valid for this action.', {
        authority: params.authority,
      });
    }
    return normaliseApprovalCode(code);
  }

  /** Marks a verified code used; call inside the action's transaction. */
  consume(code: string, params: ApprovalParams): void {
    if (
      !markCodeUsed(this.ctx.db, code, params.kind, params.roomId, params.sittingId, this.ctx.clock.now())
    ) {
      throw new ProtocolError(ERROR_CODES.BAD_CODE, 'This approval code has already been used.');
    }
  }
}
