import { approvedText, joinConfirmation } from '../../model/joinRequests.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

/** Approving or refusing a machine's join request, after the proctor confirms seat and fingerprint. */
export function MachineDialog({ state, onClose, onFlash }: DialogProps<'machine'>) {
  const { api, t } = useConsole();
  const { busy, errorMessage, submit } = useSubmit();
  const r = state.request;
  const confirm = joinConfirmation(r, state.action);
  const go = async () => {
    if (state.action === 'approve') {
      const done = await submit(() =>
        run(api, 'approveMachine', { fingerprint: r.fingerprint, seatNo: r.seatNo }),
      );
      if (!done) return;
      const text = approvedText(r, done.retiredFingerprint !== null);
      onFlash({ text: t(text.key, text.params), error: false });
    } else {
      const done = await submit(() => run(api, 'refuseMachine', { fingerprint: r.fingerprint }));
      if (!done) return;
      onFlash({ text: t('join.refused', { seat: r.seatNo, fingerprint: r.fingerprintText }), error: false });
    }
    onClose();
  };
  const approve = state.action === 'approve';
  return (
    <Modal
      title={t(approve ? 'join.approveTitle' : 'join.refuseTitle', { seat: r.seatNo })}
      testId="machine-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t(approve ? 'join.approve' : 'join.refuse')}
      busy={busy}
      error={errorMessage}
    >
      <p data-testid="machine-confirm">{t(confirm.key, confirm.params)}</p>
      {approve && <p class="muted">{t('join.checkScreen')}</p>}
    </Modal>
  );
}
