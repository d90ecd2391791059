import { useState } from 'preact/hooks';
import type { StandaloneCollectOutcome } from '../../../shared/api.js';
import { errorText } from '../../model/i18n.js';
import { collectSummary } from '../../model/standalone.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { Modal } from './Modal.js';

/**
 * 回收 (issue 17): an answer file from the stick, by its path. The result in words; with the
 * site server down the console keeps the file and collects it when the connection is back.
 */
export function StandaloneCollectDialog({ onClose, onFlash }: DialogProps<'standaloneCollect'>) {
  const { api, t } = useConsole();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<StandaloneCollectOutcome | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const r = await run(api, 'standaloneCollect', { path: path.trim() });
      if (!r.ok) return setError(errorText(t, r.error));
      setOutcome(r.value);
      setPath('');
      onFlash({ text: outcomeText(r.value), error: false });
    } finally {
      setBusy(false);
    }
  };
  const outcomeText = (o: StandaloneCollectOutcome) => {
    if (o.queued) return t('standalone.queued', { file: o.fileName, n: o.pending });
    const s = collectSummary(o);
    return t(s.key, s.params);
  };
  return (
    <Modal
      title={t('standalone.collectTitle')}
      testId="standalone-collect-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t('standalone.submitCollect')}
      busy={busy}
      error={error}
      canSubmit={path.trim().length > 0}
      wide
    >
      <p>{t('standalone.collectExplain')}</p>
      <label>
        {t('standalone.filePath')}
        <input
          value={path}
          onInput={(e) => setPath(e.currentTarget.value)}
          required
          spellcheck={false}
          data-testid="standalone-file"
        />
      </label>
      {outcome && (
        <output
          class={outcome.queued ? 'warn' : 'ok'}
          data-testid="standalone-collect-result"
          data-queued={outcome.queued}
        >
          {outcomeText(outcome)}
        </output>
      )}
    </Modal>
  );
}
