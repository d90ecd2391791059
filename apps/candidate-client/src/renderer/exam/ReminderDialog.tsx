import { Dialog } from '../components/Dialog.js';
import { useI18n } from '../i18n/i18n.js';

export function ReminderDialog(props: { beforeEndMs: number; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog labelledBy="reminder-title" describedBy="reminder-body" alert onCancel={props.onClose}>
      <h2 id="reminder-title">{t('reminder.title')}</h2>
      <p id="reminder-body" data-testid="reminder">
        {t('reminder.body', { minutes: Math.round(props.beforeEndMs / 60_000) })}
      </p>
      <div class="dialog-actions">
        <button type="button" class="primary" onClick={props.onClose}>
          {t('reminder.ok')}
        </button>
      </div>
    </Dialog>
  );
}
