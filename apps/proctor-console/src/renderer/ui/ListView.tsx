import type { CandidateTile, MachineTile } from '@exam/protocol';
import {
  displayState,
  formatDuration,
  machineCheckState,
  remainingMs,
  secondsSinceSync,
} from '../model/display.js';
import { syncText } from '../model/i18n.js';
import { isStandalone, standaloneTickets } from '../model/standalone.js';
import { useConsole } from './context.js';

export function ListView(props: {
  tiles: CandidateTile[];
  machineBySeat: ReadonlyMap<number, MachineTile>;
  now: number;
  marked: ReadonlySet<string>;
  onMark(ticketNo: string): void;
  onSelect(ticketNo: string): void;
}) {
  const { t, model } = useConsole();
  const active = standaloneTickets(model.standalone.packages);
  const rows = [...props.tiles].sort(
    (a, b) => (a.seatNo ?? 9999) - (b.seatNo ?? 9999) || a.ticketNo.localeCompare(b.ticketNo),
  );
  return (
    <table class="list" data-testid="list">
      <thead>
        <tr>
          <th />
          <th>{t('list.seat')}</th>
          <th>{t('list.ticket')}</th>
          <th>{t('list.name')}</th>
          <th>{t('list.state')}</th>
          <th>{t('list.answered')}</th>
          <th>{t('list.remaining')}</th>
          <th>{t('list.sync')}</th>
          <th>{t('list.machine')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => {
          const m = c.seatNo === null ? null : (props.machineBySeat.get(c.seatNo) ?? null);
          const remaining = remainingMs(c, props.now);
          const quiet = secondsSinceSync(c, props.now);
          const check = machineCheckState(m);
          const state = displayState(c, isStandalone(active, c.ticketNo, c.sittingId));
          return (
            <tr key={c.ticketNo} class={`st-${state}`} data-testid={`row-${c.ticketTail}`}>
              <td>
                <input
                  type="checkbox"
                  checked={props.marked.has(c.ticketNo)}
                  onChange={() => props.onMark(c.ticketNo)}
                  aria-label={t('action.select')}
                  data-testid={`mark-${c.ticketTail}`}
                />
              </td>
              <td>{c.seatNo ?? '---'}</td>
              <td>
                <button type="button" class="link" onClick={() => props.onSelect(c.ticketNo)}>
                  {c.ticketNo}
                </button>
              </td>
              <td>{c.name}</td>
              <td>{t(`state.${state}`)}</td>
              <td>{c.total > 0 ? `${c.answered}/${c.total}` : '—'}</td>
              <td>{remaining === null ? '—' : formatDuration(remaining)}</td>
              <td>{syncText(t, quiet)}</td>
              <td>
                {m ? (m.online ? t('tile.machineOnline') : t('tile.machineOffline')) : t('tile.noMachine')}
                {check === 'fail' && ` · ${t('tile.checkFail')}`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
