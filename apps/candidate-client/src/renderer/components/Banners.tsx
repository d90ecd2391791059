import type { CandidateState } from '../../shared/state.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * The network-loss banner. It says the answers are safe because they are: each is on this
 * machine's disk before the host replies to the save.
 */
export function OfflineBanner({ state }: { state: CandidateState }) {
  const { t } = useI18n();
  // Mid-sitting, a server that cannot prove it is this site's is an outage too: answers
  // stay on this disk and go only to the real server.
  const untrusted = state.connection === 'untrusted';
  const show = (state.connection === 'offline' || untrusted) && state.candidate !== null;
  return (
    <output class="banner-slot" aria-live="assertive">
      {show && (
        <p class="banner banner-offline" data-testid="offline-banner">
          {untrusted ? t('exam.untrusted') : t('exam.offline')}
          {state.pending > 0 && <span> {t('exam.pending', { n: state.pending })}</span>}
        </p>
      )}
    </output>
  );
}

export function ShortfallBanner({ state }: { state: CandidateState }) {
  const { t } = useI18n();
  if (state.machineShortfalls.length === 0) return null;
  const list = state.machineShortfalls
    .map((s) => (s === 'SCREEN_TOO_SMALL' || s === 'LOW_MEMORY' ? t(`shortfall.${s}`) : s))
    .join('；');
  return (
    <p class="banner banner-warning" role="alert">
      {t('machine.shortfall', { list })}
    </p>
  );
}
