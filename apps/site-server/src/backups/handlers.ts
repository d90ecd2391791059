import { dirname, join } from 'node:path';
import type { SiteContext } from '../site/context.js';
import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { backupRecipients } from './backupSeal.js';
import { depositConsoleBackup } from './consoleDeposit.js';
import { siteBackupsOf } from './siteBackups.js';

/**
 * The console's backup (issue 18): whom to seal it for, and its deposit with the site. The
 * room is the signed-in connection's, never the message's.
 */
export function backupProctorHandlers({ ctx, socket, log, roomId, actor }: ProctorConnection): void {
  handleProctor(socket, 'backup:recipients', log, () => backupRecipients(ctx));
  handleProctor(socket, 'backup:deposit', log, (p) =>
    depositConsoleBackup(ctx, actor, roomId, backupsDir(ctx), Buffer.from(p.fileBase64, 'base64')),
  );
}

function backupsDir(ctx: SiteContext): string {
  return siteBackupsOf(ctx)?.dir ?? join(dirname(ctx.exportDir), 'backups');
}
