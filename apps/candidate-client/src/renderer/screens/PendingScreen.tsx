import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { CandidateState } from '../../shared/state.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';
import { JoinForm } from './JoinForm.js';

/**
 * The machine waits for its room's proctor. Seat and fingerprint in large type, so the
 * proctor compares them from a step away with what the console shows; the machine goes on
 * to the login screen by itself once approved.
 */
export function PendingScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  const [askAgain, setAskAgain] = useState(false);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const m = state.machine;
  return (
    <main class="screen screen-center" data-screen="pending">
      <section class="card pending" aria-labelledby="pending-title">
        <h1 id="pending-title" ref={heading} tabIndex={-1}>
          {t('pending.title')}
        </h1>
        <p class="pending-ask" data-testid="pending-ask">
          {t('pending.ask', { seat: m.seatNo ?? '', fingerprint: m.fingerprint })}
        </p>
        {m.roomId && <p class="pending-room">{t('pending.room', { room: m.roomName ?? m.roomId })}</p>}
        <p class="hint">{t('pending.body')}</p>
        {askAgain ? (
          <JoinForm state={state} bridge={bridge} onSent={() => setAskAgain(false)} />
        ) : (
          <button type="button" class="link" onClick={() => setAskAgain(true)}>
            {t('pending.again')}
          </button>
        )}
      </section>
    </main>
  );
}
