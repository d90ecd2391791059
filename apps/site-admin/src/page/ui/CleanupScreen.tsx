import type { CleanupChecklist, CleanupReport } from '@exam/protocol';
import { useState } from 'preact/hooks';
import { bytesText } from '../model/format.js';
import { lineIn, missingOf } from '../model/sittingViews.js';
import { usePage } from './context.js';
import { useView } from './hooks.js';
import { ConfirmDialog } from './Modal.js';

/**
 * The guarded cleanup: what is still missing, and the button, which asks first. The server
 * decides (and refuses with the list); the page only shows what it says.
 */
export function CleanupScreen() {
  const { api, t, lang } = usePage();
  const checklist = useView(() => api.get<CleanupChecklist>('/api/admin/cleanup'));
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [report, setReport] = useState<CleanupReport | null>(null);
  const run = async () => {
    setConfirming(false);
    setBusy(true);
    setRefused(null);
    setFailed(null);
    const r = await api.post<CleanupReport>('/api/admin/cleanup', {});
    setBusy(false);
    if (r.ok) return setReport(r.value);
    const missing = missingOf(r.error);
    if (missing.length > 0) setRefused(missing);
    else setFailed(t('clean.failed', { message: r.error.message }));
    void checklist.reload();
  };
  // After a refusal the refusal's own list; before, the checklist the server reports.
  const missing = refused ?? checklist.value?.missing ?? [];
  return (
    <div class="screen">
      <h1>{t('clean.title')}</h1>
      <p class="hint">{t('clean.help')}</p>
      {!report && missing.length > 0 && (
        <div class="panel" data-testid="cleanup-missing">
          <h2>{t('clean.refused')}</h2>
          <ul class="missing">
            {missing.map((m) => (
              <li key={m}>{lineIn(lang, m)}</li>
            ))}
          </ul>
        </div>
      )}
      {!report && (
        <button
          type="button"
          class="danger"
          disabled={busy}
          data-testid="cleanup-button"
          onClick={() => setConfirming(true)}
        >
          {busy ? t('common.busy') : t('clean.button')}
        </button>
      )}
      {failed && <p class="result error">{failed}</p>}
      {report && (
        <div class="panel" data-testid="cleanup-report">
          <h2>{t('clean.done')}</h2>
          <ul>
            {report.removed.map((r) => (
              <li key={r.path} class="mono">
                {r.path} ({bytesText(r.bytes)})
              </li>
            ))}
          </ul>
          <p class="mono path">{report.finalAuditExport}</p>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          text={t('clean.confirm')}
          onConfirm={() => void run()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
