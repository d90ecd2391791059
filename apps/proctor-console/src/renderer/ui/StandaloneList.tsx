import { displayFingerprint } from '@exam/protocol';
import type { StandalonePackageView } from '../../shared/api.js';
import { clockText } from '../model/display.js';
import { isoClock } from '../model/standalone.js';
import { useConsole } from './context.js';

/**
 * The room's standalone packages (issue 17): who, state, who consented and why, when, the
 * target machine and the answers collected. Shown with the end checklist and in the
 * standalone dialog; an exported one can be cancelled from here (with consent).
 */
export function StandaloneList(props: { onCancel?(p: StandalonePackageView): void }) {
  const { t, model } = useConsole();
  const packages = model.standalone.packages;
  const tails = new Map([...model.tiles.values()].map((c) => [c.ticketNo, c.ticketTail]));
  const pending = model.standalone.offline?.pendingRegistrations.length ?? 0;
  const pendingNote =
    pending > 0 ? (
      <p class="warn" data-testid="standalone-register-pending">
        {t('standalone.registerPending', { n: pending })}
      </p>
    ) : null;
  if (packages.length === 0 && pendingNote) return pendingNote;
  if (packages.length === 0) {
    return (
      <p class="muted" data-testid="standalone-none">
        {t('standalone.none')}
      </p>
    );
  }
  return (
    <>
      {pendingNote}
      <table class="standalone-list" data-testid="standalone-list">
        <thead>
          <tr>
            <th>{t('standalone.col.candidate')}</th>
            <th>{t('standalone.col.state')}</th>
            <th>{t('standalone.col.consent')}</th>
            <th>{t('standalone.col.exportedAt')}</th>
            <th>{t('standalone.col.machine')}</th>
            <th>{t('standalone.col.collected')}</th>
            {props.onCancel && <th />}
          </tr>
        </thead>
        <tbody>
          {packages.map((p) => (
            <tr key={p.packageId} data-testid="standalone-row" data-ticket={p.ticketNo} data-state={p.state}>
              <td>
                {tails.get(p.ticketNo) ?? p.ticketNo} {p.name}
              </td>
              <td class={`sa-${p.state}`}>
                {t(`standalone.state.${p.state}`)}
                {p.builtBy === 'console' && (
                  <small data-testid="standalone-built-offline">{t('standalone.builtOffline')}</small>
                )}
                {(p.onlineChangesAfterExport ?? 0) > 0 && (
                  <>
                    <br />
                    <small class="error" data-testid="standalone-clash">
                      {t('standalone.clash', { n: p.onlineChangesAfterExport ?? 0 })}
                    </small>
                  </>
                )}
              </td>
              <td>
                {p.consentBy}
                <br />
                <small class="muted">{p.reason}</small>
              </td>
              <td>{isoClock(p.exportedAt, clockText)}</td>
              <td>
                <code>{displayFingerprint(p.targetMachineFingerprint)}</code>
              </td>
              <td>
                {t('standalone.collectedCount', { n: p.collectedChanges, seq: p.lastFileSeq })}
                {p.collectedAt && (
                  <>
                    <br />
                    <small class="muted">
                      {t('standalone.collectedAt', { time: isoClock(p.collectedAt, clockText) })}
                    </small>
                  </>
                )}
              </td>
              {props.onCancel && (
                <td>
                  {p.state === 'exported' && (
                    <button type="button" data-testid="standalone-cancel" onClick={() => props.onCancel?.(p)}>
                      {t('action.standaloneCancel')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
