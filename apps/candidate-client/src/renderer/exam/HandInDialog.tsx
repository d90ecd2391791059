import type { Item } from '@exam/protocol';
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { BridgeResult } from '../../shared/result.js';
import { Dialog } from '../components/Dialog.js';
import { errorText } from '../components/errors.js';
import { useI18n } from '../i18n/i18n.js';
import type { AnswerBook } from '../model/answerBook.js';
import { formatClock } from '../model/time.js';

/** Lists what is unanswered and flagged before the candidate commits to handing in. */
export function HandInDialog(props: {
  items: readonly Item[];
  book: AnswerBook;
  onCancel: () => void;
  onConfirm: () => Promise<BridgeResult<unknown>>;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const numbers = (pick: (item: Item) => boolean) =>
    props.items.flatMap((item, i) => (pick(item) ? [i + 1] : []));
  const unanswered = numbers((i) => !props.book.answered(i.id));
  const flagged = numbers((i) => props.book.flagged(i.id));
  // Each number is kept whole; a line may break only after a separator (never "1 / 9").
  const list = (ns: number[]) =>
    ns.length
      ? ns.map((n, i) => (
          <Fragment key={n}>
            <span class="item-number">
              {n}
              {i < ns.length - 1 ? '、' : ''}
            </span>
            <wbr />
          </Fragment>
        ))
      : t('handin.none');
  return (
    <Dialog labelledBy="handin-title" describedBy="handin-summary" onCancel={props.onCancel}>
      <h2 id="handin-title">{t('handin.title')}</h2>
      <p id="handin-summary">
        {t('handin.summary', {
          total: props.items.length,
          answered: props.items.length - unanswered.length,
          unanswered: unanswered.length,
          flagged: flagged.length,
        })}
      </p>
      <dl class="handin-lists">
        <dt>{t('handin.unanswered')}</dt>
        <dd data-testid="handin-unanswered">{list(unanswered)}</dd>
        <dt>{t('handin.flagged')}</dt>
        <dd data-testid="handin-flagged">{list(flagged)}</dd>
      </dl>
      <p class="warning">{t('handin.warning')}</p>
      <p class="form-error" role="alert" data-testid="handin-error">
        {message}
      </p>
      <div class="dialog-actions">
        <button type="button" onClick={props.onCancel}>
          {t('handin.cancel')}
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            const r = await props.onConfirm();
            setBusy(false);
            if (r.ok) return;
            setMessage(
              r.error.code === 'TOO_EARLY' && r.error.earliestAt
                ? t('handin.tooEarly', { time: formatClock(r.error.earliestAt) })
                : errorText(t, r.error),
            );
          }}
        >
          {busy ? t('handin.busy') : t('handin.confirm')}
        </button>
      </div>
    </Dialog>
  );
}
