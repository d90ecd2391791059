import { TRANSFER_OUTCOMES, type TransferOutcome } from '@exam/protocol';
import { useState } from 'preact/hooks';
import { run, useConsole } from '../context.js';
import type { DialogProps, DialogState } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

/**
 * 处理未调入 (issue 19): the sending room records what became of a candidate it transferred out
 * and no room took in; until then the room's end checklist is blocked.
 */
export function ResolveTransferDialog({
  state,
  onClose,
  onFlash,
  onDialog,
}: DialogProps<'resolveTransfer'> & { onDialog(d: DialogState): void }) {
  const { api, t } = useConsole();
  const [outcome, setOutcome] = useState<TransferOutcome | null>(null);
  const [note, setNote] = useState('');
  const { busy, errorMessage, submit } = useSubmit();
  const x = state.transfer;
  const who = `${x.ticketTail} ${x.name}`;
  // "Other" says nothing by itself: the proctor writes what happened.
  const ready = outcome !== null && (outcome !== 'other' || note.trim().length > 0);
  const go = async () => {
    if (!outcome) return;
    const r = await submit(() =>
      run(api, 'resolveTransfer', { transferId: x.transferId, outcome, note: note.trim() }),
    );
    if (!r) return;
    onFlash({ text: t('resolve.done', { who }), error: false });
    if (state.back) onDialog(state.back);
    else onClose();
  };
  return (
    <Modal
      title={`${t('resolve.title')} · ${who}`}
      testId="resolve-transfer-dialog"
      onClose={onClose}
      onSubmit={go}
      busy={busy}
      error={errorMessage}
      canSubmit={ready}
    >
      <p>{t('resolve.explain')}</p>
      <p class="muted">
        {t('transfers.reason')}: {x.reason}
      </p>
      <fieldset class="outcomes">
        <legend>{t('resolve.outcome')}</legend>
        {TRANSFER_OUTCOMES.map((o) => (
          <label key={o} class="check-line">
            <input
              type="radio"
              name="outcome"
              value={o}
              checked={outcome === o}
              onChange={() => setOutcome(o)}
              data-testid={`outcome-${o}`}
            />
            {t(`outcome.${o}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('resolve.note')}
        <input
          value={note}
          onInput={(e) => setNote(e.currentTarget.value)}
          maxLength={500}
          data-testid="note"
        />
      </label>
    </Modal>
  );
}
