import type { Notice } from '@exam/protocol';
import { useI18n } from '../i18n/i18n.js';
import { formatClock } from '../model/time.js';
import { Dialog } from './Dialog.js';

/**
 * A proctor's notice, over whatever screen is showing, until the candidate presses
 * "知道了"; the proctor sees that acknowledgement. Escape does not dismiss it: reading it
 * is the point. Several wait their turn, oldest first.
 */
export function NoticeDialog(props: { notices: Notice[]; onAcknowledge: (noticeId: number) => void }) {
  const { t } = useI18n();
  const notice = props.notices[0];
  if (!notice) return null;
  const more = props.notices.length - 1;
  return (
    <Dialog
      key={notice.noticeId}
      labelledBy="notice-title"
      describedBy="notice-text"
      alert
      onCancel={() => {}}
    >
      <h2 id="notice-title">{t('proctorNotice.title')}</h2>
      <p class="hint">{t('proctorNotice.sentAt', { time: formatClock(notice.at) })}</p>
      <p id="notice-text" class="proctor-notice-text" data-testid="proctor-notice">
        {notice.text}
      </p>
      {more > 0 && <p class="hint">{t('proctorNotice.more', { count: more })}</p>}
      <div class="dialog-actions">
        <button type="button" class="primary" onClick={() => props.onAcknowledge(notice.noticeId)}>
          {t('proctorNotice.ok')}
        </button>
      </div>
    </Dialog>
  );
}
