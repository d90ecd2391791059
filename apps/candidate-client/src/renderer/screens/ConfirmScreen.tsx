import type { CandidateBridge } from '../../shared/bridge.js';
import type { CandidateState } from '../../shared/state.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

export function ConfirmScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const c = state.candidate!;
  // A standalone package (issue 17) names no level or seat: those rows are left out.
  const standalone = state.standalone !== null;
  const rows: [string, string][] = [
    [t('confirm.name'), c.name],
    [t('confirm.ticket'), c.ticketNo],
    ...(standalone ? [] : ([[t('confirm.level'), t(`level.${c.level}`)]] as [string, string][])),
    [t('confirm.specialty'), c.specialty],
    [t('confirm.subject'), state.sitting?.subjectName ?? ''],
    [t('confirm.room'), standalone ? c.roomName : `${c.roomName} / ${c.seatNo}`],
  ];
  return (
    <main class="screen screen-center" data-screen="confirm">
      <section class="card confirm" aria-labelledby="confirm-title">
        <h1 id="confirm-title" ref={heading} tabIndex={-1}>
          {t('confirm.title')}
        </h1>
        <div class="confirm-body">
          <img class="photo" src={`data:image/png;base64,${c.photoPng}`} alt={t('confirm.photo')} />
          <dl class="details">
            {rows.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </div>
        <p class="hint">{t('confirm.wrong')}</p>
        <button type="button" class="primary" onClick={() => void bridge.confirmLogin()}>
          {t('confirm.submit')}
        </button>
      </section>
    </main>
  );
}
