import { CryptoError, sha256Hex, verifyCertificate } from '@exam/crypto';
import { siteLocalDate } from '@exam/domain';
import type { BackupRecipientsReply } from '@exam/protocol';
import { ProctorCommandError, type ProctorCore } from '../core/index.js';
import type { BackupView, HostError } from '../shared/api.js';
import type { ProctorKey } from './proctorKey.js';

export interface RoomBackupDeps {
  core: () => ProctorCore | null;
  key: () => ProctorKey | null;
  /** Writes the file into the console's `backups` folder; null without a data folder. */
  save: (name: string, bytes: Buffer) => Promise<string | null>;
  /** The backup's name, by the site's wall clock. */
  name: (core: ProctorCore) => string;
  publish: (view: BackupView) => void;
  toError: (e: unknown) => HostError;
}

/**
 * The room's backup (issue 18): the replica sealed for the province the exam names and the
 * centre root, saved in the console's folder as before, then deposited with the site, which
 * replies with the hash of what it stored: equal to this file's, it is 已备份并校验. Made by the
 * proctor's button, and by itself once the day's last sitting of the room has ended.
 */
export class RoomBackup {
  private recipients: { provinceCertPem: string; centreCertPem: string } | null = null;
  private view: BackupView | null = null;
  /** The day an automatic backup was made for (or is being made); failed: tried again on reconnect. */
  private auto: { day: string; state: 'running' | 'done' | 'failed' } | null = null;

  constructor(private readonly deps: RoomBackupDeps) {}

  get latest(): BackupView | null {
    return this.view;
  }

  reset(): void {
    this.recipients = null;
    this.view = null;
    this.auto = null;
  }

  /** Asks the site whom to seal for, once signed in: kept for a backup made while it is down. */
  async learnRecipients(): Promise<void> {
    const core = this.deps.core();
    const key = this.deps.key();
    if (!core || !key) return;
    this.recipients = trusted(await core.backupRecipients(), key.rootPem);
  }

  /** The room's state changed: if every sitting of today has ended, the day's backup is due. */
  onRoomChange(): void {
    const core = this.deps.core();
    const room = core?.state.room;
    if (!core?.replica || !room) return;
    const day = siteLocalDate(core.state.serverNow());
    const today = room.sittings.filter((s) => siteLocalDate(s.scheduledStart) === day);
    if (today.length === 0 || today.some((s) => s.endedAt === null)) return;
    if (this.auto?.day === day) return;
    this.auto = { day, state: 'running' };
    this.make(true).then(
      (made) => {
        this.auto = { day, state: made.backup.state === 'verified' ? 'done' : 'failed' };
      },
      () => {
        this.auto = { day, state: 'failed' };
      },
    );
  }

  /** Back online: an automatic backup that could not be deposited is made and deposited again. */
  onReconnect(): void {
    if (this.auto?.state === 'failed') this.auto = null;
    this.onRoomChange();
  }

  async make(auto: boolean): Promise<{ savedTo: string; changes: number; backup: BackupView }> {
    const core = this.deps.core();
    const key = this.deps.key();
    if (!core?.replica || !key) {
      throw new ProctorCommandError('NO_REPLICA', 'This console keeps no replica (no data folder).');
    }
    const started = core.state.ready ? core.state.serverNow() : Date.now();
    this.publish({
      state: 'making',
      auto,
      savedTo: null,
      changes: 0,
      sha256: null,
      error: null,
      at: started,
    });
    let recipientError: HostError | null = null;
    if (!this.recipients) {
      try {
        await this.learnRecipients();
      } catch (e) {
        recipientError = this.deps.toError(e);
      }
    }
    const recipients = this.recipients;
    const bytes = core.replica.exportBackup({
      signerCertPem: key.key.certPem,
      signerPrivateKeyPem: key.key.privateKeyPem,
      // Without the province's certificate (the site never answered) the centre can still open it.
      recipientCertPems: recipients ? [recipients.provinceCertPem, recipients.centreCertPem] : [key.rootPem],
    });
    const changes = core.replica.countChanges();
    const savedTo = await this.deps.save(this.deps.name(core), bytes);
    if (!savedTo)
      throw new ProctorCommandError('NO_REPLICA', 'This console keeps no replica (no data folder).');
    const sha256 = sha256Hex(bytes);
    let view: BackupView;
    try {
      if (!recipients) {
        throw new ProctorCommandError(
          recipientError?.code ?? 'NOT_CONNECTED',
          'The site server could not be asked whom to seal the backup for: it is saved here, sealed for the centre only.',
        );
      }
      const stored = await core.depositBackup(bytes.toString('base64'));
      if (stored.sha256 !== sha256) {
        throw new ProctorCommandError(
          'DEPOSIT_MISMATCH',
          'The site stored other bytes than this console sent.',
        );
      }
      view = { state: 'verified', auto, savedTo, changes, sha256, error: null, at: stored.verifiedAt };
    } catch (e) {
      view = {
        state: 'saved-not-deposited',
        auto,
        savedTo,
        changes,
        sha256,
        error: this.deps.toError(e),
        at: started,
      };
    }
    this.publish(view);
    return { savedTo, changes, backup: view };
  }

  private publish(view: BackupView): void {
    this.view = view;
    this.deps.publish(view);
  }
}

/**
 * The province's certificate as the site gave it is used only if our centre root issued it
 * for the province: a site cannot make the console seal its room for someone else. The
 * centre recipient is the root this console was installed with, not the site's word.
 */
function trusted(
  r: BackupRecipientsReply,
  rootPem: string,
): { provinceCertPem: string; centreCertPem: string } {
  let role: string;
  try {
    role = verifyCertificate(r.provinceCertPem, { trustedRootPem: rootPem, at: new Date() }).subject.role;
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new ProctorCommandError(
      'BAD_RECIPIENT',
      `The province certificate the site gave is not trusted: ${e.message}`,
    );
  }
  if (role !== 'province') {
    throw new ProctorCommandError(
      'BAD_RECIPIENT',
      `The certificate the site gave for the province has role ${role}.`,
    );
  }
  return { provinceCertPem: r.provinceCertPem, centreCertPem: rootPem };
}
