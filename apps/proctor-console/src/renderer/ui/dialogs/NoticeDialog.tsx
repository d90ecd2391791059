import { useState } from 'preact/hooks';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

export function NoticeDialog({ state, onClose, onFlash }: DialogProps<'notice'>) {
  const { api, t } = useConsole();
  const [text, setText] = useState('');
  const { busy, errorMessage, submit } = useSubmit();
  const c = state.ticket;
  const go = async () => {
    const r = await submit(() =>
      run(api, 'sendNotice', {
        sittingId: state.sittingId,
        text: text.trim(),
        ...(c ? { ticketNo: c.ticketNo } : {}),
      }),
    );
    if (r) {
      onFlash({ text: t('notice.done', { n: r.recipients }), error: false });
      onClose();
    }
  };
  return (
    <Modal
      title={c ? t('notice.titleOne', { who: `${c.ticketTail} ${c.name}` }) : t('notice.titleAll')}
      testId="notice-dialog"
      onClose={onClose}
      onSubmit={go}
      busy={busy}
      error={errorMessage}
      canSubmit={text.trim().length > 0}
    >
      <label>
        {t('field.text')}
        <textarea
          value={text}
          maxLength={500}
          rows={3}
          onInput={(e) => setText(e.currentTarget.value)}
          required
          data-testid="notice-text"
        />
      </label>
    </Modal>
  );
}
