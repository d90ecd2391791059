import { useState } from 'preact/hooks';
import { EXTENSION_FIGURES, extensionRequirement, suggestedMinutes } from '../../model/approvals.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { CodeField, Modal, useSubmit } from './Modal.js';

/** Time extension for one or several candidates; the minutes start at the measured downtime. */
export function ExtendDialog({ state, onClose, onFlash }: DialogProps<'extend'>) {
  const { api, t } = useConsole();
  const suggestion = suggestedMinutes(state.tickets);
  const [minutes, setMinutes] = useState(suggestion > 0 ? String(suggestion) : '');
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('');
  const { busy, errorMessage, submit } = useSubmit();
  const n = Number(minutes);
  const valid = Number.isInteger(n) && n >= 1;
  const need = extensionRequirement(state.tickets, valid ? n : 0);
  const who = state.tickets.map((c) => `${c.ticketTail} ${c.name}`).join('、');

  const go = async () => {
    const r = await submit(() =>
      run(api, 'extend', {
        sittingId: state.sittingId,
        tickets: state.tickets.map((c) => c.ticketNo),
        minutes: n,
        reason: reason.trim(),
        ...(need.code ? { code } : {}),
      }),
    );
    if (r) {
      const list = r.tickets
        .map((x) => `${x.ticketNo.slice(-3)} +${Math.round(x.extensionMs / 60_000)}′`)
        .join('、');
      onFlash({ text: t('extend.done', { list }), error: false });
      onClose();
    }
  };

  return (
    <Modal
      title={t('extend.title')}
      testId="extend-dialog"
      onClose={onClose}
      onSubmit={go}
      busy={busy}
      error={errorMessage}
      canSubmit={valid && reason.trim().length > 0 && (!need.code || code.length >= 10)}
    >
      <p>{t('extend.for', { list: who })}</p>
      {suggestion > 0 && <p class="suggest">{t('detail.suggested', { m: suggestion })}</p>}
      <label>
        {t('field.minutes')}
        <input
          type="number"
          min={1}
          max={240}
          value={minutes}
          onInput={(e) => setMinutes(e.currentTarget.value)}
          required
          data-testid="minutes"
        />
      </label>
      <p class="rule" data-testid="extend-rule" data-authority={need.authority}>
        {need.code === 'centre'
          ? t('extend.centre', EXTENSION_FIGURES)
          : need.code === 'province'
            ? t('extend.province', EXTENSION_FIGURES)
            : t('extend.proctor', EXTENSION_FIGURES)}
      </p>
      <label>
        {t('field.reason')}
        <input
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          required
          data-testid="reason"
        />
      </label>
      {need.code && <CodeField value={code} onInput={setCode} authority={need.code} />}
    </Modal>
  );
}
