import type { EndChecklist } from '@exam/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { checklistText } from '../../model/i18n.js';
import { unresolvedOut } from '../../model/transfers.js';
import { run, useConsole } from '../context.js';
import { StandaloneList } from '../StandaloneList.js';
import type { DialogProps, DialogState } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

/** The end checklist; the end command is offered only once it passes (the server checks again). */
export function EndDialog({
  state,
  onClose,
  onFlash,
  onDialog,
}: DialogProps<'end'> & { onDialog(d: DialogState): void }) {
  const { api, t, model } = useConsole();
  const roomId = model.session?.phase === 'signed-in' ? model.session.as.roomId : '';
  // Transfers no room took (issue 19): each is resolved from here, then the checklist again.
  const unresolved = unresolvedOut(model.transfers, roomId, state.sittingId);
  const [checklist, setChecklist] = useState<EndChecklist | null>(null);
  const check = useSubmit();
  const end = useSubmit();
  const tails = new Map([...model.tiles.values()].map((c) => [c.ticketNo, `${c.ticketTail} ${c.name}`]));

  const refresh = async () => {
    const r = await check.submit(() => run(api, 'checklist', { sittingId: state.sittingId }));
    if (r) setChecklist(r);
  };
  const latest = useRef(refresh);
  latest.current = refresh;
  // Re-checked whenever a tile changes, so the button unlocks as the last paper comes in.
  useEffect(() => {
    if (model.version >= 0) void latest.current();
  }, [model.version]);
  // The standalone list is read afresh once (another console may have collected meanwhile).
  useEffect(() => {
    void run(api, 'standaloneList', {});
  }, []);

  const go = async () => {
    // The server counts only those it marks absent at the end; the proctor wants them all.
    const markedBefore = [...model.tiles.values()].filter(
      (c) => c.sittingId === state.sittingId && c.status === 'absent',
    ).length;
    const r = await end.submit(() => run(api, 'end', { sittingId: state.sittingId }));
    if (r) {
      onFlash({ text: t('end.done', { h: r.handedIn, a: markedBefore + r.absent }), error: false });
      onClose();
    }
  };

  return (
    <Modal
      title={t('end.title')}
      testId="end-dialog"
      onClose={onClose}
      onSubmit={go}
      submitLabel={t('action.end')}
      busy={end.busy}
      error={end.errorMessage ?? check.errorMessage}
      canSubmit={checklist?.ready === true}
      wide={model.standalone.packages.length > 0}
    >
      {checklist && (
        <>
          <p class={checklist.ready ? 'ok' : 'error'} data-testid="checklist-verdict">
            {checklist.ready ? t('end.ready') : t('end.blocked')}
          </p>
          <ul class="checklist" data-testid="checklist">
            {checklist.items.map((item) => (
              <li key={item.key} class={item.ok ? 'ok' : 'fail'} data-key={item.key} data-ok={item.ok}>
                <span class="mark">{item.ok ? '✓' : '✗'}</span> {t(`check.${item.key}`)}
                {!item.ok && item.tickets.length > 0 && (
                  <span class="tickets"> — {item.tickets.map((x) => tails.get(x) ?? x).join('、')}</span>
                )}
                {/* Worded here from the figures: the server's `detail` is English, for logs. */}
                <small class="muted" data-testid="check-detail">
                  {' '}
                  {checklistText(t, item)}
                </small>
                {item.key === 'transfers-resolved' && !item.ok && (
                  <span class="resolve-links">
                    {unresolved.map((x) => (
                      <button
                        type="button"
                        key={x.transferId}
                        data-testid={`end-resolve-${x.ticketTail}`}
                        onClick={() => onDialog({ kind: 'resolveTransfer', transfer: x, back: state })}
                      >
                        {t('action.resolveTransfer')} · {x.ticketTail} {x.name}
                      </button>
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {/* Standalone packages block the end until collected or cancelled (issue 17): who and where. */}
      {model.standalone.packages.length > 0 && (
        <section data-testid="end-standalone">
          <h3>{t('standalone.listTitle')}</h3>
          <StandaloneList />
        </section>
      )}
      <button type="button" onClick={refresh} disabled={check.busy} data-testid="recheck">
        {t('action.checklist')}
      </button>
    </Modal>
  );
}
