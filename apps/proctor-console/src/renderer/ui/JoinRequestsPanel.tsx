import type { JoinRequestView } from '../../shared/api.js';
import { clockText } from '../model/display.js';
import { useConsole } from './context.js';

/**
 * Machines asking to join a seat of this room (issue 16): seat, fingerprint (as the machine's
 * screen shows it), address and version, with 批准 / 拒绝, each behind a confirmation.
 */
export function JoinRequestsPanel(props: {
  onDecide(request: JoinRequestView, action: 'approve' | 'refuse'): void;
}) {
  const { t, model } = useConsole();
  if (model.joinRequests.length === 0) return null;
  return (
    <section class="panel join-requests" data-testid="join-requests">
      <h2>
        {t('join.title')} <span class="count">{model.joinRequests.length}</span>
      </h2>
      <p class="muted">{t('join.hint')}</p>
      <ul class="join-list">
        {model.joinRequests.map((r) => (
          <li key={r.fingerprint} data-testid="join-request" data-fingerprint={r.fingerprint}>
            <div class="join-head">
              <strong class="join-seat">{t('join.seat', { seat: r.seatNo })}</strong>
              <code class="join-fingerprint" title={t('join.fingerprint')}>
                {r.fingerprintText}
              </code>
            </div>
            <dl class="join-facts">
              <dt>{t('join.address')}</dt>
              <dd>{r.remoteAddress}</dd>
              <dt>{t('join.version')}</dt>
              <dd>{r.clientVersion}</dd>
              <dt>{t('join.requestedAt')}</dt>
              <dd>{clockText(r.requestedAt)}</dd>
            </dl>
            {r.replaces && <p class="warn">{t('join.replaces', { old: r.replaces })}</p>}
            <div class="join-actions">
              <button
                type="button"
                class="primary"
                data-testid="join-approve"
                onClick={() => props.onDecide(r, 'approve')}
              >
                {t('join.approve')}
              </button>
              <button type="button" data-testid="join-refuse" onClick={() => props.onDecide(r, 'refuse')}>
                {t('join.refuse')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
