import type { CandidateTile } from '@exam/protocol';
import { clockText } from '../model/display.js';
import { alertKindText } from '../model/i18n.js';
import { useConsole } from './context.js';

/** Alerts the clients raised (focus loss, extra display, restart…): for a person to judge. */
export function AlertsPanel(props: { tiles: CandidateTile[]; onSelect(ticketNo: string): void }) {
  const { t, model } = useConsole();
  const alerts = [...model.alerts].reverse();
  const names = new Map(props.tiles.map((c) => [c.ticketNo, c]));
  return (
    <section class="panel" data-testid="alerts">
      <h2>{t('alerts.title')}</h2>
      {alerts.length === 0 && <p class="muted">{t('alerts.none')}</p>}
      <ul class="alerts">
        {alerts.map((a) => {
          const c = a.ticketNo ? names.get(a.ticketNo) : undefined;
          return (
            <li key={a.id}>
              <span class="time">{clockText(a.at)}</span>
              <span class="seat">
                {t('tile.seat')} {a.seatNo}
              </span>
              {c ? (
                <button type="button" class="link" onClick={() => props.onSelect(c.ticketNo)}>
                  {c.ticketTail} {c.name}
                </button>
              ) : (
                <span class="muted">{a.machineId}</span>
              )}
              <span class="kind">{alertKindText(t, a.kind)}</span>
              {a.detail && <span class="detail">{a.detail}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
