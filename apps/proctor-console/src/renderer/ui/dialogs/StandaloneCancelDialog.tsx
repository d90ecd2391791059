import { useState } from 'preact/hooks';
import { errorText } from '../../model/i18n.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { type ChiefConsent, ChiefConsentFields, NO_CONSENT } from './ChiefConsentFields.js';
import { Modal } from './Modal.js';

/** Cancels an exported standalone package (issue 17): the chief examiner's consent and a reason. */
export function StandaloneCancelDialog({ state, onClose, onFlash }: DialogProps<'standaloneCancel'>) {
  const { api, t } = useConsole();
  const [reason, setReason] = useState('');
  const [consent, setConsent] = useState<ChiefConsent>(NO_CONSENT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    const request = {
      sittingId: state.sittingId,
      ticketNo: state.ticketNo,
      packageId: state.packageId,
      reason: reason.trim(),
      chiefKeyFile: consent.keyFile.trim(),
      chiefPin: consent.pin,
    };
    setConsent(NO_CONSENT);
    setBusy(true);
    setError(null);
    try {
      const r = await run(api, 'standaloneCancel', request);
      if (!r.ok) return setError(errorText(t, r.error));
      onFlash({ text: t('standalone.cancelled'), error: false });
      onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('standalone.cancelTitle', { who: state.who })}
      testId="standalone-cancel-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t('standalone.submitCancel')}
      busy={busy}
      error={error}
      canSubmit={reason.trim().length > 0 && consent.keyFile.trim().length > 0}
    >
      <p class="rule">{t('standalone.cancelExplain')}</p>
      <label>
        {t('standalone.reason')}
        <input
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          required
          maxLength={500}
          data-testid="reason"
        />
      </label>
      <ChiefConsentFields value={consent} onInput={setConsent} />
    </Modal>
  );
}
