import { ERROR_CODES } from '@exam/protocol';
import type { CandidateState } from '../../shared/state.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * The machine a proctor's reset released: its candidate goes on at another machine, and
 * nobody logs in here (no form at all) until a later sitting's login opens in the room.
 */
export function LockedScreen({ state }: { state: CandidateState }) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  // The candidate logged in again elsewhere (issue 16): this machine's answers stay on its disk.
  if (state.revokedReason === ERROR_CODES.SESSION_REPLACED) {
    return (
      <main class="screen screen-center" data-screen="replaced">
        <section class="card end end-locked" aria-labelledby="replaced-title">
          <div class="end-mark" aria-hidden="true">
            ✕
          </div>
          <h1 id="replaced-title" ref={heading} tabIndex={-1}>
            {t('replaced.title')}
          </h1>
          <p>{t('replaced.body')}</p>
        </section>
      </main>
    );
  }
  return (
    <main class="screen screen-center" data-screen="locked">
      <section class="card end end-locked" aria-labelledby="locked-title">
        <div class="end-mark" aria-hidden="true">
          ✕
        </div>
        <h1 id="locked-title" ref={heading} tabIndex={-1}>
          {t('locked.title')}
        </h1>
        <p>{t('locked.body')}</p>
        {state.revokedReason && (
          <p class="hint" data-testid="locked-reason">
            {t('locked.reason', { reason: state.revokedReason })}
          </p>
        )}
      </section>
    </main>
  );
}
