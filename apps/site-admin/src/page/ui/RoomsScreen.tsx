import type { RoomOverview, RoomSittingCounts, RoomsOverview } from '@exam/protocol';
import { timeText } from '../model/format.js';
import { usePage } from './context.js';
import { useView } from './hooks.js';

/** How often the overview is read again: fresh enough to watch a morning's logins. */
export const ROOMS_REFRESH_MS = 3000;

const COUNTS = ['candidates', 'loggedIn', 'answering', 'handedIn', 'absent'] as const;
const COUNT_HEADS = {
  candidates: 'rooms.col.total',
  loggedIn: 'rooms.col.loggedIn',
  answering: 'rooms.col.answering',
  handedIn: 'rooms.col.handedIn',
  absent: 'rooms.col.absent',
} as const;

/** Every room at a glance: machines, the console, and each of its sittings counted. */
export function RoomsScreen() {
  const { api, t } = usePage();
  const view = useView(() => api.get<RoomsOverview>('/api/admin/rooms'), ROOMS_REFRESH_MS);
  const rooms = view.value?.rooms ?? [];
  return (
    <div class="screen">
      <h1>{t('rooms.title')}</h1>
      {view.at && (
        <p class="hint" data-testid="rooms-refreshed">
          {t('rooms.refreshed', { s: ROOMS_REFRESH_MS / 1000, at: timeText(view.at) })}
        </p>
      )}
      {view.error && <p class="result error">{t('common.loadFailed', { message: view.error.message })}</p>}
      {view.value && rooms.length === 0 && <p class="hint">{t('rooms.none')}</p>}
      {rooms.length > 0 && (
        <table class="rooms" data-testid="rooms-table">
          <thead>
            <tr>
              <th>{t('rooms.col.room')}</th>
              <th>{t('rooms.col.machines')}</th>
              <th>{t('rooms.col.console')}</th>
              <th>{t('rooms.col.sitting')}</th>
              <th>{t('rooms.col.phase')}</th>
              {COUNTS.map((c) => (
                <th key={c} class="num">
                  {t(COUNT_HEADS[c])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rooms.map((room) => (
              <RoomRows key={room.roomId} room={room} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RoomRows({ room }: { room: RoomOverview }) {
  const { t } = usePage();
  const sittings: (RoomSittingCounts | null)[] = room.sittings.length > 0 ? room.sittings : [null];
  const span = sittings.length;
  return (
    <>
      {sittings.map((s, i) => (
        <tr key={s?.sittingId ?? '-'} class={i === 0 ? 'room-first' : ''} data-testid={`room-${room.roomId}`}>
          {i === 0 && (
            <>
              <td rowSpan={span}>
                <strong>{room.roomId}</strong> {room.name}
              </td>
              <td rowSpan={span} data-testid={`room-${room.roomId}-machines`}>
                {room.machinesApproved} / {room.machinesChecked}
                {room.machinesShortfall > 0 && (
                  <span class="warn"> · {t('rooms.shortfall', { n: room.machinesShortfall })}</span>
                )}
              </td>
              <td
                rowSpan={span}
                class={room.consoleConnected ? 'state match' : 'state none'}
                data-testid={`room-${room.roomId}-console`}
              >
                {room.consoleConnected ? t('rooms.console.on') : t('rooms.console.off')}
              </td>
            </>
          )}
          {s ? (
            <>
              <td>
                {s.sittingId} {s.subjectName}
              </td>
              <td class={`phase ${s.phase}`} data-testid={`room-${room.roomId}-${s.sittingId}-phase`}>
                {t(`phase.${s.phase}`)}
              </td>
              {COUNTS.map((c) => (
                <td key={c} class="num" data-testid={`room-${room.roomId}-${s.sittingId}-${c}`}>
                  {s[c]}
                </td>
              ))}
            </>
          ) : (
            <td colSpan={2 + COUNTS.length} />
          )}
        </tr>
      ))}
    </>
  );
}
