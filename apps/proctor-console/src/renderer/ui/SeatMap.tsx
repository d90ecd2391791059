import type { CandidateTile, MachineTile } from '@exam/protocol';
import { memo } from 'preact/compat';
import {
  clockText,
  displayState,
  formatDuration,
  machineCheckState,
  needsAttention,
  remainingMs,
  secondsSinceSync,
} from '../model/display.js';
import { syncText } from '../model/i18n.js';
import { type SeatCell, seatMachineState } from '../model/seats.js';
import { isStandalone, standaloneTickets } from '../model/standalone.js';
import { useConsole } from './context.js';

interface TileProps {
  seatNo: number | null;
  candidate: CandidateTile | null;
  machine: MachineTile | null;
  /** The sitting shown: a machine is ready, or released, for one sitting. */
  sittingId: string | null;
  /** Whole seconds of server time: tiles re-render once a second, not on every frame. */
  nowS: number;
  dim: boolean;
  selected: boolean;
  /** The candidate's standalone package is out (issue 17): 单机考试中. */
  standalone: boolean;
  onSelect(ticketNo: string): void;
}

/** One seat. Memoised: a push re-renders only the tiles whose objects changed. */
const Tile = memo(function Tile({
  seatNo,
  candidate: c,
  machine,
  sittingId,
  nowS,
  dim,
  selected,
  standalone,
  onSelect,
}: TileProps) {
  const { t } = useConsole();
  const now = nowS * 1000;
  const check = machineCheckState(machine);
  const state = c ? displayState(c, standalone) : 'empty';
  const remaining = c ? remainingMs(c, now) : null;
  const quiet = c ? secondsSinceSync(c, now) : null;
  const classes = ['tile', `st-${state}`];
  const offers = seatMachineState(machine, c, sittingId);
  if (offers) classes.push(`machine-${offers.kind}`);
  const offersText =
    offers?.kind === 'released'
      ? t('tile.released', { tail: offers.ticketTail })
      : offers?.kind === 'ready'
        ? t('tile.ready')
        : null;
  const offersTitle =
    offers?.kind === 'released'
      ? t('tile.releasedTitle', { tail: offers.ticketTail })
      : offers?.kind === 'ready'
        ? t('tile.readyTitle')
        : undefined;
  if (dim) classes.push('dim');
  if (selected) classes.push('selected');
  if (c && needsAttention(c, machine)) classes.push('attention');
  const machineTitle = machine
    ? machine.online
      ? t('tile.machineOnline')
      : t('tile.machineOffline')
    : t('tile.noMachine');
  const checkTitle =
    check === 'ok'
      ? t('tile.checkOk')
      : check === 'fail'
        ? `${t('tile.checkFail')}: ${machine?.check?.shortfalls.join(', ')}`
        : t('tile.checkPending');
  return (
    <button
      type="button"
      class={classes.join(' ')}
      disabled={!c}
      onClick={() => c && onSelect(c.ticketNo)}
      data-testid={c ? `tile-${c.ticketTail}` : `seat-${seatNo}`}
      data-ticket={c?.ticketNo}
      data-state={state}
      data-machine={offers?.kind ?? 'none'}
      data-ack={c?.ackSeq}
    >
      <span class="tile-head">
        <span class="seat">{seatNo ?? '---'}</span>
        <span class={`dot ${machine?.online ? 'on' : machine ? 'off' : 'none'}`} title={machineTitle} />
        <span class={`check check-${check}`} title={checkTitle}>
          {check === 'ok' ? '✓' : check === 'fail' ? '!' : '·'}
        </span>
        {c && offersText && (
          <span class="offers" title={offersTitle}>
            {offersText}
          </span>
        )}
      </span>
      {c ? (
        <>
          <span class="who">
            <span class="tail">{c.ticketTail}</span> <span class="name">{c.name}</span>
          </span>
          <span class="state">{t(`state.${displayState(c, standalone)}`)}</span>
          <span class="facts">
            {c.total > 0 ? `${c.answered}/${c.total}` : '—'}
            {remaining !== null && <span class="remaining"> · {formatDuration(remaining)}</span>}
          </span>
          <span class={`sync ${!c.online && c.status === 'answering' ? 'late' : ''}`}>
            {c.handedInAt !== null
              ? t('tile.handedInAt', { time: clockText(c.handedInAt).slice(0, 5) })
              : syncText(t, quiet)}
            {c.extensionMs > 0 && <span class="ext"> +{Math.round(c.extensionMs / 60_000)}′</span>}
            {c.violations > 0 && <span class="viol"> ⚑{c.violations}</span>}
          </span>
        </>
      ) : (
        <span class={offers ? 'offers' : 'empty'} title={offersTitle}>
          {offersText ?? t('tile.noCandidate')}
        </span>
      )}
    </button>
  );
});

export function SeatMap(props: {
  layout: { cells: SeatCell[]; unseated: CandidateTile[] };
  sittingId: string | null;
  now: number;
  visible(t: CandidateTile): boolean;
  selected: string | null;
  onSelect(ticketNo: string): void;
}) {
  const { t, model } = useConsole();
  const nowS = Math.floor(props.now / 1000);
  const active = standaloneTickets(model.standalone.packages);
  const out = (c: CandidateTile | null) => !!c && isStandalone(active, c.ticketNo, c.sittingId);
  return (
    <div class="seat-map" data-testid="seat-map">
      <div class="grid">
        {props.layout.cells.map((cell) => (
          <Tile
            key={cell.seatNo}
            seatNo={cell.seatNo}
            candidate={cell.candidate}
            machine={cell.machine}
            sittingId={props.sittingId}
            nowS={nowS}
            dim={cell.candidate ? !props.visible(cell.candidate) : false}
            selected={!!cell.candidate && cell.candidate.ticketNo === props.selected}
            standalone={out(cell.candidate)}
            onSelect={props.onSelect}
          />
        ))}
      </div>
      {props.layout.unseated.length > 0 && (
        <>
          <h3>{t('tile.unseated')}</h3>
          <div class="grid">
            {props.layout.unseated.map((c) => (
              <Tile
                key={c.ticketNo}
                seatNo={null}
                candidate={c}
                machine={null}
                sittingId={props.sittingId}
                nowS={nowS}
                dim={!props.visible(c)}
                selected={c.ticketNo === props.selected}
                standalone={out(c)}
                onSelect={props.onSelect}
              />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
