import { useEffect, useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { CandidateState } from '../../shared/state.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';
import { formatCountdown } from '../model/time.js';

/**
 * The exam notice. The clock runs from the official start whether or not the candidate has
 * ticked "I have read": the remaining time is shown here as it runs.
 */
export function NoticeScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const started = state.sitting?.startedAt != null;
  // The tick shows at once: a state push the host sent before it saw the click would
  // otherwise uncheck the box for a moment, and a click in that moment undoes the tick.
  const [ticked, setTicked] = useState<boolean | null>(null);
  useEffect(() => {
    if (ticked !== null && state.progress.noticeRead === ticked) setTicked(null);
  }, [ticked, state.progress.noticeRead]);
  const read = ticked ?? state.progress.noticeRead;
  let status: string;
  if (started && state.paperOpen && state.remainingMs !== null)
    status = t('notice.started', { time: formatCountdown(state.remainingMs) });
  else if (started) status = t('notice.opening');
  else if (state.startsInMs !== null && state.startsInMs > 0)
    status = t('notice.startsIn', { time: formatCountdown(state.startsInMs) });
  else status = t('notice.waitingStart');
  return (
    <main class="screen notice" data-screen="notice">
      <section class="card notice-card" aria-labelledby="notice-title">
        <h1 id="notice-title" ref={heading} tabIndex={-1}>
          {t('notice.title')}
        </h1>
        <div class="notice-text">
          {t('notice.rules')
            .split('\n')
            .map((line) => (
              <p key={line}>{line}</p>
            ))}
          <p class="hint">{t('notice.guide')}</p>
        </div>
        <p
          class={`countdown ${started ? 'countdown-running' : ''}`}
          role="timer"
          data-testid="notice-countdown"
        >
          {status}
        </p>
        <label class="check">
          <input
            type="checkbox"
            checked={read}
            onChange={(e) => {
              const value = e.currentTarget.checked;
              setTicked(value);
              void bridge.setNoticeRead(value).then((r) => {
                if (!r.ok) setTicked(null);
              });
            }}
          />
          {t('notice.read')}
        </label>
        <button
          type="button"
          class="primary"
          disabled={!read || !state.paperOpen}
          aria-describedby="enter-why"
          onClick={() => void bridge.enterExam()}
        >
          {t('notice.enter')}
        </button>
        <p id="enter-why" class="hint">
          {!read ? t('notice.enterNeedsRead') : !state.paperOpen ? t('notice.waitingStart') : ''}
        </p>
      </section>
    </main>
  );
}
