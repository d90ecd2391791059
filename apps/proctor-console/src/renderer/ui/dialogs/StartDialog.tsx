import { approvalCodeKind, MINUTE_MS } from '@exam/domain';
import { useState } from 'preact/hooks';
import { DELAYED_START_FIGURES, startRequirement } from '../../model/approvals.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { CodeField, Modal, useSubmit } from './Modal.js';

/** Start, with the reason and approval code the delay calls for (annex 2 §二). */
export function StartDialog({ state, now, onClose, onFlash }: DialogProps<'start'>) {
  const { api, t } = useConsole();
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('');
  const { busy, error, errorMessage, submit } = useSubmit();
  const need = startRequirement(state.scheduledStart, now);
  // The server's answer wins over the local estimate (the clock may have moved on).
  const serverAuthority = error?.code === 'CODE_REQUIRED' ? String(error.details?.authority ?? '') : '';
  const codeFrom =
    serverAuthority === 'centre-code' || serverAuthority === 'province-code'
      ? approvalCodeKind(serverAuthority)
      : need.code;
  const late = Math.max(0, Math.floor((now - state.scheduledStart) / MINUTE_MS));
  const explain =
    codeFrom === 'centre'
      ? t('start.centreCode', DELAYED_START_FIGURES)
      : codeFrom === 'province'
        ? t('start.provinceCode', DELAYED_START_FIGURES)
        : need.needsReason
          ? t('start.cityConsent', DELAYED_START_FIGURES)
          : t('start.onTime');

  const go = async () => {
    const r = await submit(() =>
      run(api, 'start', {
        sittingId: state.sittingId,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(codeFrom && code ? { code } : {}),
      }),
    );
    if (r) {
      onFlash(null);
      onClose();
    }
  };

  return (
    <Modal
      title={t('start.title')}
      testId="start-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t('action.start')}
      busy={busy}
      error={errorMessage}
      canSubmit={(!need.needsReason || reason.trim().length > 0) && (!codeFrom || code.length >= 10)}
    >
      {late > 0 && <p data-testid="start-late">{t('start.late', { m: late })}</p>}
      <p class="rule" data-testid="start-rule" data-authority={codeFrom ?? need.authority}>
        {explain}
      </p>
      {need.needsReason && (
        <label>
          {t('field.reason')}
          <input
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            required
            data-testid="reason"
          />
        </label>
      )}
      {codeFrom && <CodeField value={code} onInput={setCode} authority={codeFrom} />}
    </Modal>
  );
}
