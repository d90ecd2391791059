import type { TransferView } from '@exam/protocol';
import { useEffect, useState } from 'preact/hooks';
import { clockText } from '../../model/display.js';
import { transfersIn, transfersOut, transfersToTakeIn } from '../../model/transfers.js';
import { run, useConsole } from '../context.js';
import type { DialogProps, DialogState } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

/**
 * 考场调动 (issue 19): the site's open transfers this room may take in (调入), the room's own
 * transfers out with their state (taken in by which room, or resolved), and those it took in.
 */
export function TransfersDialog({
  onClose,
  onFlash,
  onDialog,
}: DialogProps<'transfers'> & { onDialog(d: DialogState): void }) {
  const { api, t, model } = useConsole();
  const roomId = model.session?.phase === 'signed-in' ? model.session.as.roomId : '';
  const take = useSubmit();
  const [taking, setTaking] = useState<number | null>(null);
  // Read afresh on opening: a push may have been lost (at-most-once delivery).
  useEffect(() => {
    void run(api, 'openTransfers', {});
  }, []);
  const toTake = transfersToTakeIn(model.transfers, roomId);
  const out = transfersOut(model.transfers, roomId);
  const taken = transfersIn(model.transfers, roomId);
  const who = (x: TransferView) => `${x.ticketTail} ${x.name}`;

  const takeIn = async (x: TransferView) => {
    setTaking(x.transferId);
    const r = await take.submit(() => run(api, 'transferIn', { transferId: x.transferId }));
    if (r) onFlash({ text: t('transfers.inDone', { who: who(x) }), error: false });
  };

  const stateText = (x: TransferView) =>
    x.state === 'out'
      ? t('transfers.state.out')
      : x.state === 'in'
        ? t('transfers.state.in', { room: x.toRoomName ?? '' })
        : t('transfers.state.resolved', { outcome: x.outcome ? t(`outcome.${x.outcome}`) : '' });

  return (
    <Modal
      title={t('transfers.title')}
      testId="transfers-dialog"
      onClose={onClose}
      error={take.errorMessage}
      wide
    >
      <section data-testid="transfers-take-in">
        <h3>{t('transfers.takeIn')}</h3>
        {toTake.length === 0 ? (
          <p class="muted">{t('transfers.none')}</p>
        ) : (
          <table class="standalone-list">
            <thead>
              <tr>
                <th>{t('list.ticket')}</th>
                <th>{t('list.name')}</th>
                <th>{t('transfers.from')}</th>
                <th>{t('transfers.reason')}</th>
                <th>{t('transfers.outAt')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {toTake.map((x) => (
                <tr key={x.transferId} data-testid="take-in-row" data-ticket={x.ticketNo}>
                  <td>{x.ticketNo}</td>
                  <td>{x.name}</td>
                  <td>{x.fromRoomName}</td>
                  <td>{x.reason}</td>
                  <td>{clockText(x.outAt).slice(0, 5)}</td>
                  <td>
                    <button
                      type="button"
                      class="primary"
                      data-testid={`take-in-${x.ticketTail}`}
                      disabled={take.busy && taking === x.transferId}
                      onClick={() => takeIn(x)}
                    >
                      {t('action.transferIn')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section data-testid="transfers-own">
        <h3>{t('transfers.own')}</h3>
        {out.length === 0 ? (
          <p class="muted">{t('transfers.none')}</p>
        ) : (
          <table class="standalone-list">
            <thead>
              <tr>
                <th>{t('list.ticket')}</th>
                <th>{t('list.name')}</th>
                <th>{t('transfers.reason')}</th>
                <th>{t('transfers.outAt')}</th>
                <th>{t('transfers.state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {out.map((x) => (
                <tr key={x.transferId} data-testid="own-row" data-ticket={x.ticketNo} data-state={x.state}>
                  <td>{x.ticketNo}</td>
                  <td>{x.name}</td>
                  <td>{x.reason}</td>
                  <td>{clockText(x.outAt).slice(0, 5)}</td>
                  <td class={x.state === 'out' ? 'warn' : ''}>{stateText(x)}</td>
                  <td>
                    {x.state === 'out' && (
                      <button
                        type="button"
                        data-testid={`resolve-${x.ticketTail}`}
                        onClick={() =>
                          onDialog({ kind: 'resolveTransfer', transfer: x, back: { kind: 'transfers' } })
                        }
                      >
                        {t('action.resolveTransfer')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {taken.length > 0 && (
        <section data-testid="transfers-taken-in">
          <h3>{t('transfers.takenIn')}</h3>
          <ul>
            {taken.map((x) => (
              <li key={x.transferId}>
                {x.ticketNo} {x.name} · {t('transfers.from')} {x.fromRoomName}
              </li>
            ))}
          </ul>
        </section>
      )}
    </Modal>
  );
}
