import { VIOLATION_CATEGORY_KEYS, type ViolationCategory } from '@exam/domain';
import { useState } from 'preact/hooks';
import { consequenceText, violationName } from '../../model/i18n.js';
import { run, useConsole } from '../context.js';
import type { DialogProps } from '../uiState.js';
import { Modal, useSubmit } from './Modal.js';

/**
 * A violation of annex 3, with its handling shown from the domain module. The rules want
 * the candidate told the facts and the handling first (处理前的告知): the record is
 * confirmed only once the proctor says so.
 */
export function ViolationDialog({ state, onClose, onFlash }: DialogProps<'violation'>) {
  const { api, t, lang } = useConsole();
  const [category, setCategory] = useState<ViolationCategory>(VIOLATION_CATEGORY_KEYS[0]!);
  const [description, setDescription] = useState('');
  const [statement, setStatement] = useState('');
  const [notified, setNotified] = useState(false);
  const { busy, errorMessage, submit } = useSubmit();
  const c = state.ticket;

  const go = async () => {
    const r = await submit(() =>
      run(api, 'recordViolation', {
        sittingId: state.sittingId,
        ticketNo: c.ticketNo,
        category,
        description: description.trim(),
        notified,
        ...(statement.trim() ? { candidateStatement: statement.trim() } : {}),
      }),
    );
    if (r) {
      onFlash({ text: t('violation.done'), error: false });
      onClose();
    }
  };

  return (
    <Modal
      title={`${t('violation.title')} · ${c.ticketTail} ${c.name}`}
      testId="violation-dialog"
      onClose={onClose}
      onSubmit={go}
      busy={busy}
      error={errorMessage}
      canSubmit={description.trim().length > 0 && notified}
    >
      <label>
        {t('field.category')}
        <select
          value={category}
          onChange={(e) => setCategory(e.currentTarget.value as ViolationCategory)}
          data-testid="category"
        >
          {VIOLATION_CATEGORY_KEYS.map((k) => (
            <option key={k} value={k}>
              {violationName(lang, k)}
            </option>
          ))}
        </select>
      </label>
      <p class="rule" data-testid="consequence">
        {t('violation.consequence', { c: consequenceText(lang, category) })}
      </p>
      <label>
        {t('field.description')}
        <textarea
          value={description}
          rows={2}
          maxLength={1000}
          onInput={(e) => setDescription(e.currentTarget.value)}
          required
          data-testid="description"
        />
      </label>
      <label>
        {t('field.statement')}
        <textarea
          value={statement}
          rows={2}
          maxLength={1000}
          onInput={(e) => setStatement(e.currentTarget.value)}
        />
      </label>
      <label class="check-line">
        <input
          type="checkbox"
          checked={notified}
          onChange={() => setNotified(!notified)}
          data-testid="notified"
        />
        {t('field.notified')}
      </label>
      {!notified && <p class="muted">{t('violation.notifyFirst')}</p>}
    </Modal>
  );
}
