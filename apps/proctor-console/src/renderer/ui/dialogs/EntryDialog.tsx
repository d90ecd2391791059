import type { CandidateTile } from '@exam/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CommandResult } from '../../../shared/api.js';
import { findArriving, isArriving } from '../../model/transfers.js';
import { run, useConsole } from '../context.js';
import type { DialogProps, DialogState } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

type Drawn = CommandResult<'drawSeat'> & { tile: CandidateTile };

/**
 * The random seat at entry (annex 4, issue 19): the proctor types the ticket's last digits (or
 * a USB scanner types the whole number and Enter), the site draws a free approved machine,
 * the proctor confirms it or draws again. Stays open for the next arrival.
 */
export function EntryDialog({
  state,
  onClose,
  onDialog,
}: DialogProps<'entry'> & { onDialog(d: DialogState): void }) {
  const { api, t, model } = useConsole();
  const [typed, setTyped] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  /** Seats offered to this candidate and declined: a redraw skips them while others are free. */
  const [declined, setDeclined] = useState<number[]>([]);
  const [done, setDone] = useState<string | null>(null);
  /** The candidate the last draw was for: offered for transfer out when no seat is left. */
  const [target, setTarget] = useState<CandidateTile | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const draw = useSubmit();
  const assign = useSubmit();
  const arriving = [...model.tiles.values()].filter(isArriving);
  const who = (tile: CandidateTile) => `${tile.ticketTail} ${tile.name}`;

  const drawFor = async (tile: CandidateTile, exclude: number[]) => {
    setTarget(tile);
    // The site skips the declined seats only while other seats are free.
    const r = await draw.submit(() =>
      run(
        api,
        'drawSeat',
        exclude.length > 0 ? { ticketNo: tile.ticketNo, exclude } : { ticketNo: tile.ticketNo },
      ),
    );
    setDrawn(r ? { ...r, tile } : null);
  };

  const find = async () => {
    setHint(null);
    setDone(null);
    const match = findArriving(arriving, typed, state.sittingId);
    if (match.kind === 'none') return setHint(t('entry.none'));
    if (match.kind === 'many') return setHint(t('entry.many', { list: match.tiles.map(who).join('、') }));
    setDeclined([]);
    await drawFor(match.tile, []);
  };

  const redraw = async () => {
    if (!drawn) return;
    const exclude = [...declined, drawn.seatNo];
    setDeclined(exclude);
    await drawFor(drawn.tile, exclude);
  };

  const confirm = async () => {
    if (!drawn) return;
    const r = await assign.submit(() =>
      run(api, 'assignSeat', { ticketNo: drawn.tile.ticketNo, seatNo: drawn.seatNo }),
    );
    if (!r) return;
    setDone(t('entry.done', { who: who(drawn.tile), seat: r.seatNo }));
    setDrawn(null);
    setTarget(null);
    setDeclined([]);
    setTyped('');
  };

  // A scanner types fast and ends with Enter: the field holds the focus whenever it is shown.
  useEffect(() => {
    if (!drawn) field.current?.focus();
  }, [drawn]);

  const outTile = draw.error?.code === 'NO_FREE_SEAT' ? target : null;
  return (
    <Modal
      title={t('entry.title')}
      testId="entry-dialog"
      onClose={onClose}
      onSubmit={drawn ? confirm : find}
      submitLabel={drawn ? t('action.confirm') : t('entry.draw')}
      busy={draw.busy || assign.busy}
      error={assign.errorMessage ?? draw.errorMessage}
      canSubmit={drawn !== null || typed.trim().length > 0}
    >
      {done && (
        <output class="ok entry-done" data-testid="entry-done">
          {done}
        </output>
      )}
      {drawn ? (
        <div class="entry-drawn" data-testid="entry-drawn" data-ticket={drawn.tile.ticketNo}>
          <p class="entry-who">{who(drawn.tile)}</p>
          <p class="entry-seat-label">{t('entry.seat')}</p>
          <p class="entry-seat" data-testid="entry-seat">
            {drawn.seatNo}
          </p>
          <p class="muted">{t('entry.free', { n: drawn.free })}</p>
          <button
            type="button"
            data-testid="entry-redraw"
            onClick={redraw}
            disabled={draw.busy || assign.busy}
          >
            {t('entry.redraw')}
          </button>
        </div>
      ) : (
        <>
          <p>{t('entry.explain')}</p>
          <label>
            {t('entry.ticket')}
            <input
              class="entry-ticket"
              value={typed}
              onInput={(e) => {
                setTyped(e.currentTarget.value);
                setHint(null);
              }}
              inputMode="numeric"
              autocomplete="off"
              ref={field}
              data-testid="entry-ticket"
            />
          </label>
          {hint && (
            <p class="warn" data-testid="entry-hint">
              {hint}
            </p>
          )}
        </>
      )}
      {outTile && (
        <p>
          {t('entry.offerOut')}{' '}
          <button
            type="button"
            class="danger"
            data-testid="entry-transfer-out"
            onClick={() => onDialog({ kind: 'transferOut', sittingId: state.sittingId, ticket: outTile })}
          >
            {t('action.transferOut')} · {who(outTile)}
          </button>
        </p>
      )}
    </Modal>
  );
}
