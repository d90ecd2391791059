import type { SiteContext } from '../site/context.js';
import { backupsStatus } from './backupStatus.js';

/** One backup the cleanup still waits for: a stable code, and the sentence in both locales. */
export interface MissingBackup {
  code: 'SITE_BACKUP_MISSING' | 'CONSOLE_BACKUP_MISSING' | 'ROOM_NOT_ENDED';
  sittingId?: string;
  roomId?: string;
  day?: string;
  zh: string;
  en: string;
}

export interface BackupChecklist {
  complete: boolean;
  /** One line per missing backup: the zh-CN sentence, then the English one. */
  missing: string[];
  items: MissingBackup[];
}

/**
 * What the guarded cleanup asks of backups (issue 18, points 3 and 4): complete when every
 * ended sitting has a verified site backup, and every room that had a sitting on a day has a
 * verified console backup deposited after its last sitting of that day ended. A room whose
 * sitting has not ended is listed too: its console backup cannot have been made yet.
 */
export function backupChecklist(ctx: SiteContext): BackupChecklist {
  const status = backupsStatus(ctx);
  const items: MissingBackup[] = [];
  for (const s of status.sittings) {
    if (!s.ended || s.state === 'verified') continue;
    items.push({
      code: 'SITE_BACKUP_MISSING',
      sittingId: s.sittingId,
      zh: `场次 ${s.sittingId} 结束后的考点服务器备份尚未完成并校验。`,
      en: `The site server's backup after sitting ${s.sittingId} is not made and verified yet.`,
    });
  }
  for (const r of status.rooms) {
    if (r.state === 'verified') continue;
    if (r.state === 'room-not-ended') {
      items.push({
        code: 'ROOM_NOT_ENDED',
        roomId: r.roomId,
        day: r.day,
        zh: `考场 ${r.roomId} 在 ${r.day} 的场次尚未全部结束，监考机备份无法完成。`,
        en: `Room ${r.roomId} has a sitting on ${r.day} that has not ended: its console backup cannot be made yet.`,
      });
      continue;
    }
    items.push({
      code: 'CONSOLE_BACKUP_MISSING',
      roomId: r.roomId,
      day: r.day,
      zh: `考场 ${r.roomId} 的监考机在 ${r.day} 最后一场结束后的备份尚未交存并校验。`,
      en: `Room ${r.roomId}'s console backup after its last sitting on ${r.day} is not deposited and verified yet.`,
    });
  }
  return { complete: items.length === 0, missing: items.map((i) => `${i.zh} / ${i.en}`), items };
}
