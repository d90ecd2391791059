import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { AnswerFileView, CandidateState } from '../../shared/state.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from './Dialog.js';
import { errorText } from './errors.js';

/** Where an answer file went, and what the candidate does now (issue 17). */
export function AnswerFileNote({ file }: { file: AnswerFileView }) {
  const { t } = useI18n();
  return (
    <div class="answer-file" data-testid="answer-file">
      {file.written.length > 0 ? (
        <>
          <p>{t('standalone.file.where')}</p>
          <ul class="answer-file-paths">
            {file.written.map((p) => (
              <li key={p} data-testid="answer-file-path">
                {p}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="warning">{t('standalone.file.none')}</p>
      )}
      {file.failed.length > 0 && (
        <p class="warning">{t('standalone.file.failed', { dirs: file.failed.join('；') })}</p>
      )}
      <p class="answer-file-raise">{t('standalone.file.raise')}</p>
    </div>
  );
}

/**
 * The band over every screen of a standalone session: whose session, that there is no
 * network backup, and the proctor's "写出答案文件" behind a confirmation (for a machine that
 * is failing). A small button, not a key combination: a proctor finds it without a manual.
 */
export function StandaloneBar({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy' | 'done'>('idle');
  const [error, setError] = useState<string | null>(null);
  const s = state.standalone;
  if (!s) return null;
  const write = async () => {
    setStep('busy');
    setError(null);
    const r = await bridge.standaloneWriteAnswerFile();
    if (r.ok) setStep('done');
    else {
      setError(errorText(t, r.error));
      setStep('confirm');
    }
  };
  const close = () => setStep('idle');
  return (
    <div class="banner banner-standalone" data-testid="standalone-bar">
      <span>{t('standalone.bar', { name: s.name, ticket: s.ticketNo })}</span>
      <button
        type="button"
        class="standalone-write"
        data-testid="standalone-write"
        onClick={() => setStep('confirm')}
      >
        {t('standalone.write')}
      </button>
      {(step === 'confirm' || step === 'busy') && (
        <Dialog labelledBy="standalone-write-title" describedBy="standalone-write-body" onCancel={close}>
          <h2 id="standalone-write-title">{t('standalone.write.title')}</h2>
          <p id="standalone-write-body">{t('standalone.write.body')}</p>
          <p class="form-error" role="alert">
            {error}
          </p>
          <div class="dialog-actions">
            <button type="button" onClick={close}>
              {t('standalone.write.cancel')}
            </button>
            <button
              type="button"
              class="primary"
              data-testid="standalone-write-confirm"
              disabled={step === 'busy'}
              onClick={() => void write()}
            >
              {step === 'busy' ? t('standalone.write.busy') : t('standalone.write.confirm')}
            </button>
          </div>
        </Dialog>
      )}
      {step === 'done' && s.lastFile && (
        <Dialog labelledBy="standalone-file-title" onCancel={close} alert>
          <h2 id="standalone-file-title">{t('standalone.file.title', { n: s.lastFile.fileSeq })}</h2>
          <AnswerFileNote file={s.lastFile} />
          <div class="dialog-actions">
            <button type="button" class="primary" onClick={close}>
              {t('standalone.file.close')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
