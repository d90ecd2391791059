import { useState } from 'preact/hooks';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

export function ResetDialog({ state, onClose, onFlash }: DialogProps<'reset'>) {
  const { api, t } = useConsole();
  const [reason, setReason] = useState('');
  const { busy, errorMessage, submit } = useSubmit();
  const c = state.ticket;
  const go = async () => {
    const r = await submit(() =>
      run(api, 'reset', { sittingId: state.sittingId, ticketNo: c.ticketNo, reason: reason.trim() }),
    );
    if (r) {
      onFlash({ text: t('reset.done'), error: false });
      onClose();
    }
  };
  return (
    <Modal
      title={`${t('reset.title')} · ${c.ticketTail} ${c.name}`}
      testId="reset-dialog"
      onClose={onClose}
      onSubmit={go}
      busy={busy}
      error={errorMessage}
      canSubmit={reason.trim().length > 0}
    >
      <p>{t('reset.explain')}</p>
      <label>
        {t('field.resetReason')}
        <input
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          required
          data-testid="reason"
        />
      </label>
    </Modal>
  );
}
