import type { CandidateTile, MachineTile } from '@exam/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { CandidateDetailView } from '../../shared/api.js';
import { suggestedMinutes } from '../model/approvals.js';
import { detailHistory } from '../model/detailHistory.js';
import { clockText, displayState, formatDuration, remainingMs, secondsSinceSync } from '../model/display.js';
import { errorText, syncText } from '../model/i18n.js';
import { isStandalone, standaloneTickets } from '../model/standalone.js';
import { isOverbooked, openTransferOf } from '../model/transfers.js';
import { run, useConsole } from './context.js';
import { historyText } from './historyText.js';
import type { DialogState, Flash } from './uiState.js';

export function CandidateDetail(props: {
  tile: CandidateTile;
  machine: MachineTile | null;
  now: number;
  onClose(): void;
  onDialog(d: DialogState): void;
  onFlash(f: Flash): void;
}) {
  const { api, t, lang, model } = useConsole();
  const c = props.tile;
  const [idChecked, setIdChecked] = useState<ReadonlySet<string>>(new Set());
  const outPackage = model.standalone.packages.find(
    (p) =>
      p.state === 'exported' && p.ticketNo === c.ticketNo && (!p.sittingId || p.sittingId === c.sittingId),
  );
  const standalone = isStandalone(standaloneTickets(model.standalone.packages), c.ticketNo, c.sittingId);
  const state = displayState(c, standalone);
  const remaining = remainingMs(c, props.now);
  const quiet = secondsSinceSync(c, props.now);
  const suggestion = suggestedMinutes([c]);
  const local = model.history.filter((h) => h.ticketNo === c.ticketNo);
  // Room-wide lines (a notice to the room) can add to this candidate's trail too.
  const relevant = model.history.filter((h) => h.ticketNo === c.ticketNo || h.ticketNo === null).length;
  const detail = useCandidateDetail(c, relevant);
  const view = detail?.view ?? null;
  const history = detailHistory(view?.history ?? null, local);
  const canAbsent = state === 'not-arrived';
  const running = c.endsAt !== null;
  const sitting = model.room?.sittings.find((s) => s.sittingId === c.sittingId);
  const sittingRunning = !!sitting && sitting.startedAt !== null && sitting.endedAt === null;
  // Overbooking (issue 19): a candidate who has not logged in may be transferred out once.
  const roomId = model.session?.phase === 'signed-in' ? model.session.as.roomId : '';
  const transferredOut = openTransferOf(model.transfers, roomId, c.ticketNo);
  const canTransferOut =
    state === 'not-arrived' &&
    !transferredOut &&
    sitting?.endedAt === null &&
    isOverbooked([...model.tiles.values()], model.transfers);

  const absent = async (value: boolean) => {
    const r = await run(api, 'setAbsent', { sittingId: c.sittingId, ticketNo: c.ticketNo, absent: value });
    props.onFlash(r.ok ? null : { text: errorText(t, r.error), error: true });
  };

  return (
    <section class="panel detail" data-testid="detail">
      <header class="detail-head">
        <h2>{t('detail.title')}</h2>
        <button type="button" class="link" onClick={props.onClose} aria-label={t('action.close')}>
          ×
        </button>
      </header>
      <div class="identity">
        <div class="photo">
          {view ? (
            <img
              src={`data:image/png;base64,${view.photoPng}`}
              alt={t('detail.photo')}
              data-testid="detail-photo"
            />
          ) : (
            <>
              <span>{c.name.slice(0, 1)}</span>
              <small>{detail === null ? t('detail.loading') : t('detail.noPhoto')}</small>
            </>
          )}
        </div>
        <dl>
          <dt>{t('detail.name')}</dt>
          <dd data-testid="detail-name">{c.name}</dd>
          <dt>{t('detail.idNumber')}</dt>
          <dd data-testid="detail-id">{view?.idNumberMasked ?? '—'}</dd>
          {view && (
            <>
              <dt>{t('detail.specialty')}</dt>
              <dd>
                {t(`level.${view.level}`)} / {view.specialty}
              </dd>
            </>
          )}
          <dt>{t('detail.ticket')}</dt>
          <dd>
            {c.ticketNo.slice(0, -3)}
            <strong>{c.ticketTail}</strong>
          </dd>
          <dt>{t('detail.seat')}</dt>
          <dd>{c.seatNo ?? '---'}</dd>
          <dt>{t('list.state')}</dt>
          <dd data-testid="detail-state">{t(`state.${state}`)}</dd>
          <dt>{t('list.answered')}</dt>
          <dd>{c.total > 0 ? `${c.answered}/${c.total}` : '—'}</dd>
          <dt>{t('list.remaining')}</dt>
          <dd data-testid="detail-remaining">{remaining === null ? '—' : formatDuration(remaining)}</dd>
          <dt>{t('list.sync')}</dt>
          <dd>{syncText(t, quiet)}</dd>
          <dt>{t('list.machine')}</dt>
          <dd>
            {props.machine
              ? `${props.machine.machineId} · ${props.machine.online ? t('tile.machineOnline') : t('tile.machineOffline')}`
              : t('tile.noMachine')}
          </dd>
        </dl>
      </div>
      <label class="check-line">
        <input
          type="checkbox"
          checked={idChecked.has(c.ticketNo)}
          onChange={() =>
            setIdChecked((s) => {
              const next = new Set(s);
              if (!next.delete(c.ticketNo)) next.add(c.ticketNo);
              return next;
            })
          }
        />
        {t('detail.idChecked')}
      </label>
      {c.extensionMs > 0 && (
        <p class="muted">{t('tile.extended', { m: Math.round(c.extensionMs / 60_000) })}</p>
      )}
      {suggestion > 0 && (
        <p class="suggest" data-testid="suggested">
          {t('detail.suggested', { m: suggestion })}
        </p>
      )}
      <div class="actions">
        {running && (
          <button
            type="button"
            data-testid="act-extend"
            onClick={() => props.onDialog({ kind: 'extend', sittingId: c.sittingId, tickets: [c] })}
          >
            {t('action.extend')}
          </button>
        )}
        {(state === 'answering' || state === 'logged-in') && (
          <button
            type="button"
            data-testid="act-reset"
            onClick={() => props.onDialog({ kind: 'reset', sittingId: c.sittingId, ticket: c })}
          >
            {t('action.reset')}
          </button>
        )}
        {canTransferOut && (
          <button
            type="button"
            data-testid="act-transfer-out"
            onClick={() => props.onDialog({ kind: 'transferOut', sittingId: c.sittingId, ticket: c })}
          >
            {t('action.transferOut')}
          </button>
        )}
        {transferredOut && (
          <span class="pending-badge" data-testid="transferred-out">
            {t('transfers.state.out')}
          </span>
        )}
        {canAbsent && (
          <button type="button" data-testid="act-absent" onClick={() => absent(true)}>
            {t('action.absent')}
          </button>
        )}
        {state === 'absent' && (
          <button type="button" data-testid="act-unabsent" onClick={() => absent(false)}>
            {t('action.undoAbsent')}
          </button>
        )}
        {/* The last resort (issue 17): logged in, reset, or never able to start, once the sitting runs. */}
        {sittingRunning &&
          (state === 'answering' ||
            state === 'logged-in' ||
            state === 'reset-pending' ||
            state === 'not-arrived') && (
            <button
              type="button"
              data-testid="act-standalone"
              onClick={() => props.onDialog({ kind: 'standaloneExport', sittingId: c.sittingId, ticket: c })}
            >
              {t('action.standaloneExport')}
            </button>
          )}
        {outPackage && (
          <button
            type="button"
            data-testid="act-standalone-cancel"
            onClick={() =>
              props.onDialog({
                kind: 'standaloneCancel',
                sittingId: c.sittingId,
                ticketNo: c.ticketNo,
                who: `${c.ticketTail} ${c.name}`,
                packageId: outPackage.packageId,
              })
            }
          >
            {t('standalone.submitCancel')}
          </button>
        )}
        <button
          type="button"
          data-testid="act-violation"
          onClick={() => props.onDialog({ kind: 'violation', sittingId: c.sittingId, ticket: c })}
        >
          {t('action.violation')}
        </button>
        <button
          type="button"
          data-testid="act-notice"
          onClick={() => props.onDialog({ kind: 'notice', sittingId: c.sittingId, ticket: c })}
        >
          {t('action.notice')}
        </button>
      </div>
      <h3>{t('detail.history')}</h3>
      {detail && (
        <p class="muted small" data-testid="history-source">
          {view ? t('history.fromAudit') : t('history.localOnly')}
        </p>
      )}
      <ul class="history" data-testid="history">
        {history.length === 0 && <li class="muted">{t('detail.noHistory')}</li>}
        {history.map((h) => (
          <li key={h.id}>
            <span class="time">{clockText(h.at)}</span> {historyText(t, lang, h)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The candidate's photo, ID and audit trail from the site server; fetched again when the
 * tile or the history lines about this candidate (or the whole room) move, so new events show while the panel is open. Null while
 * the first answer is on its way; `view: null` when the server could not give one.
 */
function useCandidateDetail(c: CandidateTile, historyLines: number) {
  const { api } = useConsole();
  const [detail, setDetail] = useState<{ key: string; view: CandidateDetailView | null } | null>(null);
  const key = `${c.sittingId}/${c.ticketNo}`;
  const moved = `${c.status}|${c.resetPending}|${c.extensionMs}|${c.violations}|${c.seatNo}|${historyLines}`;
  useEffect(() => {
    let live = true;
    void run(api, 'candidateDetail', { sittingId: c.sittingId, ticketNo: c.ticketNo }).then((r) => {
      if (live) setDetail({ key, view: r.ok ? r.value : null });
    });
    return () => {
      live = false;
    };
  }, [key, moved]);
  return detail?.key === key ? detail : null;
}
