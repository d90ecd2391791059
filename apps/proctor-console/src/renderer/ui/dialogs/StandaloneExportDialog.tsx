import { useEffect, useState } from 'preact/hooks';
import type { StandaloneExportResult, StandaloneMachineView } from '../../../shared/api.js';
import { errorText } from '../../model/i18n.js';
import { codeGroups, exportErrorKey, pickMachine } from '../../model/standalone.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { type ChiefConsent, ChiefConsentFields, NO_CONSENT } from './ChiefConsentFields.js';
import { Modal } from './Modal.js';

/**
 * Standalone mode (issue 17), step one at the console: reason, target machine, the chief
 * examiner's consent and a folder (the USB stick); then the authorization code, large and
 * grouped, shown this once.
 */
export function StandaloneExportDialog({ state, onClose, onFlash }: DialogProps<'standaloneExport'>) {
  const { api, t, model } = useConsole();
  const offlineView = model.standalone.offline;
  const c = state.ticket;
  const who = `${c.ticketTail} ${c.name}`;
  const [reason, setReason] = useState('');
  const [machines, setMachines] = useState<StandaloneMachineView[] | null>(null);
  const [machinesError, setMachinesError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [consent, setConsent] = useState<ChiefConsent>(NO_CONSENT);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<StandaloneExportResult | null>(null);
  /**
   * 离线导出 (decision 0017, amendment): the site server cannot be reached, so the package is
   * built here from the replica; offered only when the site's list of machines cannot be read.
   */
  const [offline, setOffline] = useState(false);

  useEffect(() => {
    let live = true;
    void run(api, 'standaloneMachines', {}).then((r) => {
      if (!live) return;
      if (r.ok) setMachines(r.value.machines);
      else if ((r.error.code === 'OFFLINE' || r.error.code === 'TIMEOUT') && offlineView?.kitHeld) {
        setOffline(true);
        setMachines(offlineView.machines);
      } else setMachinesError(exportErrorKey(r.error) ? t('standalone.serverDown') : errorText(t, r.error));
    });
    return () => {
      live = false;
    };
  }, []);

  const pick = pickMachine(typed, machines ?? []);
  const offlineNoKey = offline && !(offlineView?.sittingsWithKey ?? []).includes(state.sittingId);
  const canSubmit =
    reason.trim().length > 0 &&
    pick.ok &&
    consent.keyFile.trim().length > 0 &&
    folder.trim().length > 0 &&
    !offlineNoKey;

  const go = async () => {
    if (!pick.ok) return;
    const request = {
      sittingId: state.sittingId,
      ticketNo: c.ticketNo,
      targetMachineFingerprint: pick.fingerprint,
      reason: reason.trim(),
      folder: folder.trim(),
      chiefKeyFile: consent.keyFile.trim(),
      chiefPin: consent.pin,
      ...(offline ? { offline: true } : {}),
    };
    // The PIN and the key's path leave the page's state with the request: nothing here keeps them.
    setConsent(NO_CONSENT);
    setBusy(true);
    setError(null);
    try {
      const r = await run(api, 'standaloneExport', request);
      if (!r.ok) {
        const key = exportErrorKey(r.error);
        setError(key ? t(key) : errorText(t, r.error));
        return;
      }
      setDone(r.value);
      onFlash({ text: t('standalone.savedTo', { path: r.value.savedTo }), error: false });
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    const groups = codeGroups(done.code);
    return (
      <Modal title={t('standalone.codeTitle')} testId="standalone-code-dialog" onClose={onClose} wide>
        <p data-testid="standalone-code-for">{t('standalone.codeFor', { who })}</p>
        <p>{t('standalone.codeLabel')}</p>
        <div class="standalone-code" data-testid="standalone-code" data-code={done.code}>
          {groups.flatMap((g, i) => [
            ...(i > 0
              ? [
                  <span key={`sep-${i}`} class="sep">
                    -
                  </span>,
                ]
              : []),
            <span key={`group-${i}`} class="group">
              {g}
            </span>,
          ])}
        </div>
        <p class="warn">{t('standalone.codeOnce')}</p>
        {done.offline && (
          <p class="warn" data-testid="standalone-offline-pending">
            {t('standalone.offlineRegisterPending')}
          </p>
        )}
        <p data-testid="standalone-saved-to">
          {done.folderError
            ? t('standalone.folderFailed', { error: done.folderError, path: done.savedTo })
            : t('standalone.savedTo', { path: done.savedTo })}
        </p>
      </Modal>
    );
  }

  return (
    <Modal
      title={t('standalone.exportTitle', { who })}
      testId="standalone-export-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t(offline ? 'standalone.submitOfflineExport' : 'standalone.submitExport')}
      busy={busy}
      error={error}
      canSubmit={canSubmit}
      wide
    >
      <p class="rule">{t('standalone.exportExplain')}</p>
      {offline && (
        <div class="offline-export" data-testid="standalone-offline">
          <p class="warn">
            <strong>{t('standalone.offlineTitle')}</strong> {t('standalone.offlineExplain')}
          </p>
          {offlineNoKey && (
            <p class="error" data-testid="standalone-offline-no-key">
              {t('error.OFFLINE_NO_KEY')}
            </p>
          )}
        </div>
      )}
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
      <label>
        {t('standalone.machine')}
        <select
          data-testid="standalone-machine"
          value={pick.ok && pick.machine ? pick.machine.fingerprint : ''}
          onChange={(e) => {
            const m = machines?.find((x) => x.fingerprint === e.currentTarget.value);
            setTyped(m ? m.fingerprintText : '');
          }}
        >
          <option value="">{t('standalone.machinePick')}</option>
          {(machines ?? []).map((m) => (
            <option key={m.fingerprint} value={m.fingerprint} data-busy={m.busy}>
              {t('standalone.machineOption', {
                room: m.roomId,
                seat: m.seatNo ?? '—',
                fingerprint: m.fingerprintText,
              })}
              {m.busy ? t('standalone.machineBusy') : ''}
            </option>
          ))}
        </select>
      </label>
      {machinesError && (
        <p class="error" data-testid="standalone-machines-error">
          {t('standalone.machineNone', { error: machinesError })}
        </p>
      )}
      <label>
        {t('standalone.machineTyped')}
        <input
          class="code"
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
          spellcheck={false}
          autocomplete="off"
          data-testid="standalone-fingerprint"
        />
      </label>
      <p class={pick.ok ? 'muted' : 'error'} data-testid="standalone-machine-chosen">
        {pick.ok
          ? t('standalone.machineChosen', {
              machine: pick.machine
                ? t('standalone.machineOption', {
                    room: pick.machine.roomId,
                    seat: pick.machine.seatNo ?? '—',
                    fingerprint: pick.machine.fingerprintText,
                  }) + (pick.machine.busy ? t('standalone.machineBusy') : '')
                : pick.fingerprint,
            })
          : pick.why === 'empty'
            ? ''
            : t(
                `standalone.machine${pick.why === 'unknown' ? 'Unknown' : pick.why === 'ambiguous' ? 'Ambiguous' : 'Malformed'}`,
              )}
      </p>
      <ChiefConsentFields value={consent} onInput={setConsent} />
      <label>
        {t('standalone.folder')}
        <input
          value={folder}
          onInput={(e) => setFolder(e.currentTarget.value)}
          required
          spellcheck={false}
          data-testid="standalone-folder"
        />
      </label>
    </Modal>
  );
}
