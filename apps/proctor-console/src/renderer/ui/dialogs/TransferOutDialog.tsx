import { useState } from 'preact/hooks';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

/**
 * Transfer out (调出, issue 19): a candidate who has not logged in leaves this room for another
 * (the room is full, or the proctor chooses). The reason is required; the site records the time.
 */
export function TransferOutDialog({ state, onClose, onFlash }: DialogProps<'transferOut'>) {
  const { api, t } = useConsole();
  const [reason, setReason] = useState('');
  const { busy, errorMessage, submit } = useSubmit();
  const c = state.ticket;
  const who = `${c.ticketTail} ${c.name}`;
  const go = async () => {
    const r = await submit(() => run(api, 'transferOut', { ticketNo: c.ticketNo, reason: reason.trim() }));
    if (r) {
      onFlash({ text: t('transferOut.done', { who }), error: false });
      onClose();
    }
  };
  return (
    <Modal
      title={`${t('transferOut.title')} · ${who}`}
      testId="transfer-out-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t('action.transferOut')}
      busy={busy}
      error={errorMessage}
      canSubmit={reason.trim().length > 0}
    >
      <p>{t('transferOut.explain')}</p>
      <label>
        {t('transferOut.reason')}
        <input
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
          required
          data-testid="reason"
        />
      </label>
    </Modal>
  );
}
