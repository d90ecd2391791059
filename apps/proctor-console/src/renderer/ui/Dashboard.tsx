import type { CandidateTile } from '@exam/protocol';
import { useMemo, useState } from 'preact/hooks';
import { clockText, FILTERS, type Filter, matchesFilter } from '../model/display.js';
import { currentSitting, seatCells } from '../model/seats.js';
import { AlertsPanel } from './AlertsPanel.js';
import { CandidateDetail } from './CandidateDetail.js';
import { useConsole, useServerNow } from './context.js';
import { Dialogs } from './dialogs/Dialogs.js';
import { JoinRequestsPanel } from './JoinRequestsPanel.js';
import { ListView } from './ListView.js';
import { SeatMap } from './SeatMap.js';
import { SittingBar } from './SittingBar.js';
import { QueuedOutcomeFlash, RegistrationFlash } from './StandaloneQueueFlash.js';
import type { DialogState, Flash } from './uiState.js';

export function Dashboard() {
  const { t, lang, setLang, model } = useConsole();
  const room = model.room!;
  const session = model.session?.phase === 'signed-in' ? model.session : null;
  const [sittingId, setSittingId] = useState<string | null>(null);
  const sitting = room.sittings.find((s) => s.sittingId === sittingId) ?? currentSitting(room.sittings);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [view, setView] = useState<'map' | 'list'>('map');
  const [selected, setSelected] = useState<string | null>(null);
  const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [flash, setFlash] = useState<Flash>(null);
  const now = useServerNow(model.offset);

  const tiles = useMemo(
    () => [...model.tiles.values()].filter((tile) => tile.sittingId === sitting?.sittingId),
    [model.tiles, sitting?.sittingId],
  );
  const layout = useMemo(
    () => seatCells(room.seats, tiles, model.machines),
    [room.seats, tiles, model.machines],
  );
  const machineBySeat = useMemo(() => new Map(model.machines.map((m) => [m.seatNo, m])), [model.machines]);
  const machineOf = (tile: CandidateTile) =>
    tile.seatNo === null ? null : (machineBySeat.get(tile.seatNo) ?? null);
  const visible = (tile: CandidateTile) => matchesFilter(tile, machineOf(tile), filter, search);
  const selectedTile = tiles.find((tile) => tile.ticketNo === selected) ?? null;
  const toggleMark = (ticketNo: string) =>
    setMarked((m) => {
      const next = new Set(m);
      if (!next.delete(ticketNo)) next.add(ticketNo);
      return next;
    });
  const markedTiles = tiles.filter((tile) => marked.has(tile.ticketNo));

  return (
    <div class="console">
      <header class="top">
        <div class="room-name">
          <strong data-testid="room-name">{room.roomName}</strong>
          <span class="muted">{t('room.seats', { n: room.seats })}</span>
          <span class="muted">
            {session?.as.holder} · {clockText(now, true)}
          </span>
        </div>
        <div class={`conn ${session?.connected ? 'conn-ok' : 'conn-bad'}`} data-testid="connection">
          {session?.connected ? t('room.connected') : t('room.offline')}
        </div>
        <button type="button" class="link" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
          {t('lang.switch')}
        </button>
      </header>
      {sitting && (
        <SittingBar
          sittings={room.sittings}
          sitting={sitting}
          tiles={tiles}
          now={now}
          onSitting={setSittingId}
          onDialog={setDialog}
          onFlash={setFlash}
        />
      )}
      {flash && (
        <output class={`flash ${flash.error ? 'error' : ''}`} data-testid="flash">
          {flash.text}
          {flash.actions && flash.actions.length > 0 && (
            <span class="flash-actions">
              {flash.actions.map((a) => (
                <button
                  type="button"
                  key={a.testId}
                  data-testid={a.testId}
                  title={a.title}
                  onClick={() => void a.run()}
                >
                  {a.label}
                </button>
              ))}
            </span>
          )}
          <button type="button" class="link" onClick={() => setFlash(null)}>
            ×
          </button>
        </output>
      )}
      <nav class="filters">
        {FILTERS.map((f) => (
          <button
            type="button"
            key={f}
            class={f === filter ? 'chip on' : 'chip'}
            onClick={() => setFilter(f)}
            data-testid={`filter-${f}`}
          >
            {t(`filter.${f}`)}{' '}
            <span class="count">
              {tiles.filter((tile) => matchesFilter(tile, machineOf(tile), f)).length}
            </span>
          </button>
        ))}
        <input
          class="search"
          placeholder={t('view.search')}
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
          data-testid="search"
        />
        <span class="spacer" />
        {marked.size > 0 && sitting && (
          <button
            type="button"
            class="primary"
            data-testid="extend-marked"
            onClick={() => setDialog({ kind: 'extend', sittingId: sitting.sittingId, tickets: markedTiles })}
          >
            {t('action.extendSelected', { n: marked.size })}
          </button>
        )}
        <button type="button" class={view === 'map' ? 'chip on' : 'chip'} onClick={() => setView('map')}>
          {t('view.map')}
        </button>
        <button
          type="button"
          class={view === 'list' ? 'chip on' : 'chip'}
          onClick={() => setView('list')}
          data-testid="view-list"
        >
          {t('view.list')}
        </button>
      </nav>
      <div class="body">
        <section class="main-pane">
          {view === 'map' ? (
            <SeatMap
              layout={layout}
              sittingId={sitting?.sittingId ?? null}
              now={now}
              visible={visible}
              selected={selected}
              onSelect={setSelected}
            />
          ) : (
            <ListView
              tiles={tiles.filter(visible)}
              machineBySeat={machineBySeat}
              now={now}
              marked={marked}
              onMark={toggleMark}
              onSelect={setSelected}
            />
          )}
        </section>
        <aside class="side-pane">
          <JoinRequestsPanel
            onDecide={(request, action) => setDialog({ kind: 'machine', action, request })}
          />
          {selectedTile && sitting ? (
            <CandidateDetail
              tile={selectedTile}
              machine={machineOf(selectedTile)}
              now={now}
              onClose={() => setSelected(null)}
              onDialog={setDialog}
              onFlash={setFlash}
            />
          ) : (
            <AlertsPanel tiles={tiles} onSelect={setSelected} />
          )}
        </aside>
      </div>
      {dialog && (
        <Dialogs
          state={dialog}
          now={now}
          onClose={() => setDialog(null)}
          onFlash={setFlash}
          onDialog={setDialog}
        />
      )}
      <QueuedOutcomeFlash onFlash={setFlash} />
      <RegistrationFlash onFlash={setFlash} />
    </div>
  );
}
