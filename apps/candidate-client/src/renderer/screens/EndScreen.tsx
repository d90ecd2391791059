import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { CandidateState } from '../../shared/state.js';
import { errorText, handInFailureText } from '../components/errors.js';
import { AnswerFileNote } from '../components/Standalone.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';
import { formatClock } from '../model/time.js';

export function EndScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [busy, setBusy] = useState(false);
  if (state.handedIn) {
    return (
      <main class="screen screen-center" data-screen="end">
        <section class="card end end-success" aria-labelledby="end-title">
          <div class="end-mark" aria-hidden="true">
            ✓
          </div>
          <h1 id="end-title" ref={heading} tabIndex={-1}>
            {state.handedIn.kind === 'auto' ? t('end.auto') : t('end.success')}
          </h1>
          <p>{t('end.successBody', { time: formatClock(state.handedIn.at) })}</p>
          {/* Standalone (issue 17): the answers are in a file, and the proctor must fetch it. */}
          {state.standalone?.lastFile && <AnswerFileNote file={state.standalone.lastFile} />}
          <DoneButton bridge={bridge} />
        </section>
      </main>
    );
  }
  if (state.handInFailure) {
    return (
      <main class="screen screen-center" data-screen="end">
        <section class="card end end-failure" aria-labelledby="end-title">
          <div class="end-mark" aria-hidden="true">
            !
          </div>
          <h1 id="end-title" ref={heading} tabIndex={-1}>
            {t('end.failure')}
          </h1>
          <div role="alert">
            <p data-testid="handin-failure-reason">{handInFailureText(t, state.handInFailure)}</p>
            <p>{t('end.failureBody')}</p>
          </div>
          <p class="hint failure-code" data-testid="handin-failure-code">
            {t('end.failureCode', { code: state.handInFailure })}
          </p>
          <button
            type="button"
            class="primary"
            disabled={busy || state.connection !== 'online'}
            onClick={async () => {
              setBusy(true);
              await bridge.handIn();
              setBusy(false);
            }}
          >
            {t('end.retry')}
          </button>
        </section>
      </main>
    );
  }
  return (
    <main class="screen screen-center" data-screen="end">
      <section class="card end" aria-labelledby="end-title">
        <h1 id="end-title" ref={heading} tabIndex={-1}>
          {t('end.ended')}
        </h1>
        <DoneButton bridge={bridge} />
      </section>
    </main>
  );
}

/**
 * "完成": the machine returns to its login screen for the next sitting. It also does so by
 * itself when the proctor ends the sitting; there is no timer, because the result stays on
 * screen for as long as the candidate (or the proctor checking it) needs.
 */
function DoneButton({ bridge }: { bridge: CandidateBridge }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <p class="hint">{t('end.doneHint')}</p>
      <button
        type="button"
        class="primary"
        data-testid="end-done"
        onClick={async () => {
          const r = await bridge.finish();
          setError(r.ok ? null : errorText(t, r.error));
        }}
      >
        {t('end.done')}
      </button>
      <p class="form-error" role="alert">
        {error}
      </p>
    </>
  );
}
