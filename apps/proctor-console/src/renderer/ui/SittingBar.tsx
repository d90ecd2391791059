import type { CandidateTile, RoomSittingView } from '@exam/protocol';
import { clockText, displayState, matchesFilter } from '../model/display.js';
import { errorText } from '../model/i18n.js';
import { run, useConsole } from './context.js';
import type { DialogState } from './dialogs/Dialogs.js';

export type Flash = { text: string; error: boolean } | null;

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
  const { api, t } = useConsole();
  const { sitting, tiles } = props;
  const phase = phaseOf(sitting);
  const counts = new Map<string, number>();
  for (const tile of tiles) counts.set(displayState(tile), (counts.get(displayState(tile)) ?? 0) + 1);
  const offline = tiles.filter((tile) => matchesFilter(tile, null, 'offline', props.now)).length;

  const report = async () => {
    const r = await run(api, 'roomReport', { sittingId: sitting.sittingId });
    if (!r.ok) return props.onFlash({ text: errorText(t, r.error), error: true });
    // Web mode has no folder of its own to show: the browser downloads the file as well.
    if (api.mode === 'web') downloadPdf(r.value.fileName, r.value.pdfBase64);
    props.onFlash({ text: t('report.saved', { path: r.value.savedTo ?? r.value.fileName }), error: false });
  };
  const backup = async () => {
    const r = await run(api, 'exportBackup', {});
    props.onFlash(
      r.ok
        ? { text: t('backup.saved', { n: r.value.changes, path: r.value.savedTo }), error: false }
        : { text: errorText(t, r.error), error: true },
    );
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
        <button type="button" class="primary" onClick={openLogin} data-testid="open-login">
          {t('action.openLogin')}
        </button>
      )}
      {(phase === 'scheduled' || phase === 'login-open') && (
        <button
          type="button"
          class="primary"
          data-testid="start"
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
      {phase !== 'ended' && (
        <button
          type="button"
          data-testid="notice-all"
          onClick={() => props.onDialog({ kind: 'notice', sittingId: sitting.sittingId, ticket: null })}
        >
          {t('action.noticeAll')}
        </button>
      )}
      {(phase === 'running' || phase === 'ended') && (
        <button type="button" data-testid="backup" onClick={backup}>
          {t('action.backup')}
        </button>
      )}
      {phase === 'ended' && (
        <button type="button" class="primary" data-testid="report" onClick={report}>
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

function downloadPdf(fileName: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
