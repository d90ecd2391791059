import type { CandidateTile, RoomSittingView } from '@exam/protocol';
import { loginOpensIn, startAvailability } from '../model/approvals.js';
import { clockText, displayState, formatDuration, matchesFilter } from '../model/display.js';
import { errorText } from '../model/i18n.js';
import { isOverbooked, transfersToTakeIn, unresolvedOut } from '../model/transfers.js';
import { run, useConsole } from './context.js';
import type { DialogState, Flash } from './uiState.js';

function phaseOf(s: RoomSittingView): 'scheduled' | 'login-open' | 'running' | 'ended' {
  if (s.endedAt !== null) return 'ended';
  if (s.startedAt !== null) return 'running';
  if (s.loginOpenedAt !== null) return 'login-open';
  return 'scheduled';
}

export function SittingBar(props: {
  sittings: RoomSittingView[];
  sitting: RoomSittingView;
  tiles: CandidateTile[];
  now: number;
  onSitting(id: string): void;
  onDialog(d: DialogState): void;
  onFlash(f: Flash): void;
}) {
  const { api, t, model } = useConsole();
  const { sitting, tiles } = props;
  const phase = phaseOf(sitting);
  const counts = new Map<string, number>();
  for (const tile of tiles) counts.set(displayState(tile), (counts.get(displayState(tile)) ?? 0) + 1);
  const offline = tiles.filter((tile) => matchesFilter(tile, null, 'offline')).length;
  const canStart = startAvailability(sitting, props.now);
  const loginIn = loginOpensIn(sitting.scheduledStart, props.now);
  // Why the start button is not live yet, shown beside it: the countdown to the scheduled
  // start, or the step still missing. The server refuses the same (TOO_EARLY, LOGIN_NOT_OPEN).
  const startWait = canStart.ready
    ? null
    : canStart.why === 'too-early'
      ? t('start.countdown', { time: formatDuration(canStart.inMs) })
      : t('start.openLoginFirst');

  const failed = (error: Parameters<typeof errorText>[1]) =>
    props.onFlash({ text: errorText(t, error), error: true });
  // Electron: the host opens only files it saved, in the system's reader or folder.
  const openSaved = async (path: string, how: 'open' | 'reveal') => {
    const r = await run(api, 'openSaved', { path, how });
    if (!r.ok) failed(r.error);
  };
  // Overbooking (issue 19): the entry dialog, the transfers, and the room's part of their report.
  const roomId = model.session?.phase === 'signed-in' ? model.session.as.roomId : '';
  const overbooked = isOverbooked(tiles, model.transfers);
  const toTakeIn = transfersToTakeIn(model.transfers, roomId).length;
  const unresolved = unresolvedOut(model.transfers, roomId, sitting.sittingId).length;
  const report = async (which: 'roomReport' | 'transferReport' = 'roomReport') => {
    const r = await run(api, which, { sittingId: sitting.sittingId });
    if (!r.ok) return failed(r.error);
    const { fileName, pdfBase64, savedTo } = r.value;
    // Web mode has no folder of its own to show: the browser downloads the file as well.
    if (api.mode === 'web') download(fileName, pdfBase64, 'application/pdf');
    const open =
      api.mode === 'web' ? () => openPdf(pdfBase64) : savedTo ? () => openSaved(savedTo, 'open') : null;
    props.onFlash({
      text: t(which === 'roomReport' ? 'report.saved' : 'transfers.reportSaved', {
        path: savedTo ?? fileName,
      }),
      error: false,
      actions: open
        ? [{ label: t('file.openReport'), title: t('file.openReportHint'), testId: 'open-report', run: open }]
        : [],
    });
  };
  const backup = async () => {
    const r = await run(api, 'exportBackup', {});
    if (!r.ok) return failed(r.error);
    const { savedTo, changes, backup: made } = r.value;
    const downloadBackup = async () => {
      const file = await run(api, 'readSaved', { path: savedTo });
      if (!file.ok) return failed(file.error);
      download(file.value.fileName, file.value.base64, 'application/octet-stream');
    };
    const said = made.state === 'verified' ? 'backup.verified' : 'backup.notDeposited';
    props.onFlash({
      text: `${t(said, { n: changes, path: savedTo })}${made.error ? ` (${errorText(t, made.error)})` : ''}`,
      error: made.state !== 'verified',
      actions: [
        api.mode === 'web'
          ? { label: t('file.downloadBackup'), testId: 'download-backup', run: downloadBackup }
          : { label: t('file.showBackup'), testId: 'show-backup', run: () => openSaved(savedTo, 'reveal') },
      ],
    });
  };

  const openLogin = async () => {
    const r = await run(api, 'openLogin', { sittingId: sitting.sittingId });
    props.onFlash(r.ok ? null : { text: errorText(t, r.error), error: true });
  };

  return (
    <section class="sitting-bar">
      <label class="sitting-pick">
        {t('room.sitting')}
        <select value={sitting.sittingId} onChange={(e) => props.onSitting(e.currentTarget.value)}>
          {props.sittings.map((s) => (
            <option key={s.sittingId} value={s.sittingId}>
              {s.subjectName}
            </option>
          ))}
        </select>
      </label>
      <span class="muted">
        {t('room.scheduled')} {clockText(sitting.scheduledStart)}
      </span>
      <span class={`phase phase-${phase}`} data-testid="phase">
        {t(`room.phase.${phase}`)}
      </span>
      <span class="counts" data-testid="counts">
        {(['not-arrived', 'logged-in', 'answering', 'handed-in', 'absent', 'reset-pending'] as const).map(
          (k) => (
            <span key={k} class={`count-${k}`}>
              {t(`state.${k}`)} {counts.get(k) ?? 0}
            </span>
          ),
        )}
        <span>
          {t('filter.offline')} {offline}
        </span>
      </span>
      <span class="spacer" />
      {phase === 'scheduled' && (
        <button
          type="button"
          class="primary"
          onClick={openLogin}
          data-testid="open-login"
          disabled={loginIn !== null}
          title={
            loginIn !== null ? t('login.opensAt', { time: clockText(props.now + loginIn).slice(0, 5) }) : ''
          }
        >
          {t('action.openLogin')}
        </button>
      )}
      {(phase === 'scheduled' || phase === 'login-open') && startWait && (
        <span id="start-wait" class="start-wait" data-testid="start-wait">
          {startWait}
        </span>
      )}
      {(phase === 'scheduled' || phase === 'login-open') && (
        <button
          type="button"
          class="primary"
          data-testid="start"
          disabled={!canStart.ready}
          aria-describedby={startWait ? 'start-wait' : undefined}
          onClick={() =>
            props.onDialog({
              kind: 'start',
              sittingId: sitting.sittingId,
              scheduledStart: sitting.scheduledStart,
            })
          }
        >
          {t('action.start')}
        </button>
      )}
      {overbooked && phase !== 'ended' && (
        <button
          type="button"
          class="primary"
          data-testid="entry"
          onClick={() => props.onDialog({ kind: 'entry', sittingId: sitting.sittingId })}
        >
          {t('action.entry')}
        </button>
      )}
      {overbooked && (
        <button type="button" data-testid="transfers" onClick={() => props.onDialog({ kind: 'transfers' })}>
          {t('action.transfers')}
          {toTakeIn + unresolved > 0 && (
            <span class="pending-badge" data-testid="transfers-count">
              {' '}
              {toTakeIn + unresolved}
            </span>
          )}
        </button>
      )}
      {overbooked && (
        <button type="button" data-testid="transfer-report" onClick={() => report('transferReport')}>
          {t('action.transferReport')}
        </button>
      )}
      {phase !== 'ended' && (
        <button
          type="button"
          data-testid="notice-all"
          onClick={() => props.onDialog({ kind: 'notice', sittingId: sitting.sittingId, ticket: null })}
        >
          {t('action.noticeAll')}
        </button>
      )}
      {(phase === 'running' || phase === 'ended' || model.standalone.packages.length > 0) && (
        <button
          type="button"
          data-testid="standalone"
          onClick={() => props.onDialog({ kind: 'standaloneList', sittingId: sitting.sittingId })}
        >
          {t('standalone.listTitle')}
        </button>
      )}
      {model.standalone.queued.length > 0 && (
        <span
          class="pending-badge"
          title={t('standalone.pendingTitle')}
          data-testid="standalone-pending-count"
        >
          {t('standalone.pending', { n: model.standalone.queued.length })}
        </span>
      )}
      {(phase === 'running' || phase === 'ended') && (
        <button type="button" data-testid="backup" onClick={backup}>
          {t('action.backup')}
        </button>
      )}
      {model.backup && (
        <span
          class={`backup-state backup-${model.backup.state}`}
          data-testid="backup-state"
          title={model.backup.savedTo ?? ''}
        >
          {model.backup.state === 'making'
            ? t('backup.making')
            : t(
                model.backup.state === 'verified'
                  ? model.backup.auto
                    ? 'backup.autoVerified'
                    : 'backup.verified'
                  : 'backup.notDeposited',
                { n: model.backup.changes, path: model.backup.savedTo ?? '' },
              )}
        </span>
      )}
      {phase === 'ended' && (
        <button type="button" class="primary" data-testid="report" onClick={() => report()}>
          {t('action.report')}
        </button>
      )}
      {phase === 'running' && (
        <button
          type="button"
          class="danger"
          data-testid="end"
          onClick={() => props.onDialog({ kind: 'end', sittingId: sitting.sittingId })}
        >
          {t('action.end')}
        </button>
      )}
    </section>
  );
}

function blobUrl(base64: string, type: string): string {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return url;
}

function download(fileName: string, base64: string, type: string): void {
  const a = document.createElement('a');
  a.href = blobUrl(base64, type);
  a.download = fileName;
  a.click();
}

/** Web mode: the browser's PDF viewer in a new tab, which prints it. */
function openPdf(base64: string): void {
  window.open(blobUrl(base64, 'application/pdf'), '_blank', 'noopener');
}
