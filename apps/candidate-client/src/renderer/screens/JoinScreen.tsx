import type { CandidateBridge } from '../../shared/bridge.js';
import type { CandidateState } from '../../shared/state.js';
import { useI18n } from '../i18n/i18n.js';
import { JoinForm } from './JoinForm.js';

/** A machine the site does not know (or whose request was refused): it may only ask to join a seat. */
export function JoinScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  return (
    <main class="screen screen-center" data-screen="join">
      <section class="card join" aria-labelledby="join-title">
        <h1 id="join-title">{t('join.title')}</h1>
        {state.machine.admission === 'refused' ? (
          <p class="form-error" data-testid="join-refused">
            {t('join.refused')}
          </p>
        ) : (
          <p class="hint">{t('join.hint')}</p>
        )}
        <p class="join-fingerprint" data-testid="machine-fingerprint">
          {t('join.fingerprint', { fingerprint: state.machine.fingerprint })}
        </p>
        <JoinForm state={state} bridge={bridge} />
      </section>
    </main>
  );
}
