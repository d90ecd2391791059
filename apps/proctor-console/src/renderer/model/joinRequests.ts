import type { JoinRequestView } from '../../shared/api.js';
import type { MessageKey } from './i18n.js';

/** What the proctor is asked to confirm before approving or refusing a machine (issue 16). */
export interface JoinConfirmation {
  key: Extract<MessageKey, 'join.confirmApprove' | 'join.confirmReplace' | 'join.confirmRefuse'>;
  params: Record<string, string | number>;
}

/**
 * The confirmation names the seat and the fingerprint, the two things the proctor compares
 * with the machine's screen; approving a seat that has a machine says the old one is retired.
 */
export function joinConfirmation(r: JoinRequestView, action: 'approve' | 'refuse'): JoinConfirmation {
  const params = { seat: r.seatNo, fingerprint: r.fingerprintText };
  if (action === 'refuse') return { key: 'join.confirmRefuse', params };
  return r.replaces
    ? { key: 'join.confirmReplace', params: { ...params, old: r.replaces } }
    : { key: 'join.confirmApprove', params };
}

/** The message after the site approved: a retired machine is named, so nobody looks for it later. */
export function approvedText(
  r: JoinRequestView,
  retired: boolean,
): {
  key: Extract<MessageKey, 'join.approved' | 'join.approvedReplacing'>;
  params: Record<string, string | number>;
} {
  const params = { seat: r.seatNo, fingerprint: r.fingerprintText };
  return retired
    ? { key: 'join.approvedReplacing', params: { ...params, old: r.replaces ?? '—' } }
    : { key: 'join.approved', params };
}
