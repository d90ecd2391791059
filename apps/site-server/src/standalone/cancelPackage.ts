import { ERROR_CODES, ProtocolError, type StandaloneCancelRequest } from '@exam/protocol';
import { type Actor, actorName } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { useConsentChallenge, verifyConsent } from './consent.js';
import { getStandalonePackage, markCancelled } from './standalonePackagesTable.js';

/**
 * Cancel, with the chief examiner's consent and a reason: the package stays on record, its
 * answer files are refused from now on, and the candidate may log in online again (on any
 * machine, as after a reset). Only a package still out can be cancelled.
 */
export function cancelStandalonePackage(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  connectionId: string,
  req: StandaloneCancelRequest,
): { packageId: string; state: 'cancelled' } {
  const pkg = getStandalonePackage(ctx.db, req.packageId);
  // Another room's package is simply not found from this console.
  if (!pkg || pkg.room_id !== roomId) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_PACKAGE,
      'No standalone package with this id was exported in this room.',
    );
  }
  const siteId = getMeta(ctx.db, 'siteId') ?? '';
  const consent = verifyConsent(ctx, req.consent, connectionId, {
    action: 'cancel',
    siteId,
    sittingId: pkg.sitting_id,
    ticketNo: pkg.ticket_no,
    subject: pkg.package_id,
    reason: req.reason,
  });
  if (pkg.state !== 'exported') {
    throw new ProtocolError(ERROR_CODES.NOT_ALLOWED_NOW, `This standalone package is already ${pkg.state}.`);
  }
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    useConsentChallenge(ctx.db, req.consent.challenge, connectionId, consent);
    if (!markCancelled(ctx.db, pkg.package_id, now, actorName(actor), req.reason)) {
      throw new ProtocolError(ERROR_CODES.NOT_ALLOWED_NOW, 'This standalone package is no longer out.');
    }
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'standalone.cancelled',
      subject: `${pkg.ticket_no}/${pkg.sitting_id}`,
      data: {
        packageId: pkg.package_id,
        reason: req.reason,
        consent: {
          by: consent.holder,
          commonName: consent.commonName,
          fingerprint: consent.fingerprint,
          certPem: consent.certPem,
          statement: consent.statement,
          signature: consent.signature,
        },
      },
    });
  });
  ctx.log.info({ ticketNo: pkg.ticket_no, packageId: pkg.package_id }, 'standalone package cancelled');
  ctx.events.emit('candidate-changed', { roomId, ticketNo: pkg.ticket_no, sittingId: pkg.sitting_id });
  return { packageId: pkg.package_id, state: 'cancelled' };
}
