import { useEffect } from 'preact/hooks';
import { run, useConsole } from '../context.js';
import { StandaloneList } from '../StandaloneList.js';
import type { DialogProps, DialogState } from '../uiState.js';
import { Modal } from './Modal.js';

/**
 * The room's standalone cases in one place (issue 17): the list with cancel, collection, and
 * the answer files this console holds until the site server is back (待回收).
 */
export function StandaloneDialog({
  onClose,
  onDialog,
}: DialogProps<'standaloneList'> & { onDialog(d: DialogState): void }) {
  const { api, t, model } = useConsole();
  // Read afresh on opening: another console (the chief examiner's) may have exported or collected.
  useEffect(() => {
    void run(api, 'standaloneList', {});
  }, []);
  const pending = model.standalone.queued.length;
  return (
    <Modal title={t('standalone.listTitle')} testId="standalone-dialog" onClose={onClose} wide>
      <StandaloneList
        onCancel={(p) =>
          onDialog({
            kind: 'standaloneCancel',
            sittingId: p.sittingId,
            ticketNo: p.ticketNo,
            who: `${p.ticketNo.slice(-3)} ${p.name}`,
            packageId: p.packageId,
          })
        }
      />
      <p>
        <button
          type="button"
          class="primary"
          data-testid="standalone-collect"
          onClick={() => onDialog({ kind: 'standaloneCollect' })}
        >
          {t('action.standaloneCollect')}
        </button>{' '}
        {pending > 0 && (
          <span class="pending-badge" title={t('standalone.pendingTitle')} data-testid="standalone-pending">
            {t('standalone.pending', { n: pending })}
          </span>
        )}
      </p>
    </Modal>
  );
}
