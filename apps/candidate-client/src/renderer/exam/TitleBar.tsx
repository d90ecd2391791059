import { RULES } from '@exam/domain';
import type { CandidateState } from '../../shared/state.js';
import { LanguageToggle } from '../components/TopBar.js';
import { useI18n } from '../i18n/i18n.js';
import { formatClock, formatCountdown } from '../model/time.js';

/** Candidate details, subject, seat, the remaining time and the hand-in button with its reason. */
export function TitleBar(props: { state: CandidateState; onHandIn: () => void }) {
  const { t } = useI18n();
  const { state } = props;
  const c = state.candidate!;
  const remaining = state.remainingMs ?? 0;
  const earliest = state.sitting?.earliestHandInAt ?? null;
  let reason = '';
  if (state.connection !== 'online') reason = t('exam.handInOffline');
  else if (!state.canHandIn && earliest !== null)
    reason = t('exam.handInAt', { time: formatClock(earliest) });
  // Red from the first reminder on (10 minutes, as candidates know it).
  const urgent = remaining <= Math.max(...RULES.reminderBeforeEndMs);
  return (
    <header class="titlebar">
      <dl class="who">
        <div>
          <dt>{t('exam.candidate')}</dt>
          <dd>{c.name}</dd>
        </div>
        <div>
          <dt>{t('exam.ticket')}</dt>
          <dd>{c.ticketNo}</dd>
        </div>
        <div>
          <dt>{t('exam.subject')}</dt>
          <dd>{state.sitting?.subjectName}</dd>
        </div>
        <div>
          <dt>{t('exam.seat')}</dt>
          {/* A standalone package (issue 17) names the room, not a seat. */}
          <dd>{state.standalone ? c.roomName : `${c.roomName} / ${c.seatNo}`}</dd>
        </div>
      </dl>
      <div class={`remaining${urgent ? ' urgent' : ''}`} role="timer" aria-label={t('exam.remaining')}>
        <span class="remaining-label">{t('exam.remaining')}</span>
        <span class="remaining-time" data-testid="remaining">
          {formatCountdown(remaining)}
        </span>
      </div>
      <div class="handin">
        <button
          type="button"
          class="primary handin-button"
          disabled={reason !== ''}
          aria-describedby="handin-why"
          onClick={props.onHandIn}
        >
          {t('exam.handIn')}
        </button>
        <span id="handin-why" class="handin-why" data-testid="handin-why">
          {reason}
        </span>
      </div>
      <LanguageToggle />
    </header>
  );
}
