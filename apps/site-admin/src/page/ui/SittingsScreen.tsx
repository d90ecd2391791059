import type { RoomsOverview, SiteStatus, SittingStatus } from '@exam/protocol';
import { useState } from 'preact/hooks';
import { MESSAGES, type MessageKey } from '../i18n/i18n.js';
import { bytesText, dateTimeText, hashShort } from '../model/format.js';
import { type BackupLine, backupLines, type UploadsView } from '../model/sittingViews.js';
import { usePage } from './context.js';
import { useView } from './hooks.js';
import { PromptDialog } from './Modal.js';

/** The uploads and backups move on their own: read again this often. */
const SITTINGS_REFRESH_MS = 3000;

/**
 * Per sitting: how each room ended, the answer package (final or interim, its hash and
 * path), its upload to the centre with a progress bar and the receipt, the media export and
 * the receipt file for when the uplink fails, and the backups.
 */
export function SittingsScreen() {
  const { api, t } = usePage();
  const status = useView(() => api.get<SiteStatus>('/api/admin/status'), SITTINGS_REFRESH_MS);
  const uploads = useView(() => api.get<UploadsView>('/api/admin/uploads'), SITTINGS_REFRESH_MS);
  const rooms = useView(() => api.get<RoomsOverview>('/api/admin/rooms'), SITTINGS_REFRESH_MS);
  // H2's route: absent on a server without backups, so its failure is "not provided".
  const backups = useView(() => api.get<unknown>('/api/admin/backups'), SITTINGS_REFRESH_MS);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const reload = () => Promise.all([status.reload(), uploads.reload(), rooms.reload(), backups.reload()]);
  const sittings = status.value?.sittings ?? [];
  return (
    <div class="screen">
      <h1>{t('sit.title')}</h1>
      {uploads.value && uploads.value.receiverUrl === null && (
        <p class="hint">{t('sit.upload.noReceiver')}</p>
      )}
      {message && (
        <p
          class={message.ok ? 'result ok' : 'result error'}
          aria-live="polite"
          data-testid="sittings-message"
        >
          {message.text}
        </p>
      )}
      <ReceiptImport
        onDone={(text, ok) => {
          setMessage({ ok, text });
          void reload();
        }}
      />
      {status.value && sittings.length === 0 && <p class="hint">{t('sit.empty')}</p>}
      {sittings.map((s) => (
        <SittingCard
          key={s.sittingId}
          sitting={s}
          upload={uploads.value?.sittings.find((u) => u.sittingId === s.sittingId) ?? null}
          rooms={rooms.value}
          backups={
            backups.value === null ? null : backupLines(backups.value, s.sittingId, roomsOf(rooms.value, s))
          }
          onMessage={(text, ok) => {
            setMessage({ ok, text });
            void reload();
          }}
        />
      ))}
    </div>
  );
}

function roomsOf(rooms: RoomsOverview | null, s: SittingStatus): string[] {
  return (rooms?.rooms ?? [])
    .filter((r) => r.sittings.some((x) => x.sittingId === s.sittingId))
    .map((r) => r.roomId);
}

function SittingCard(props: {
  sitting: SittingStatus;
  upload: UploadsView['sittings'][number] | null;
  rooms: RoomsOverview | null;
  backups: BackupLine[] | null;
  onMessage: (text: string, ok: boolean) => void;
}) {
  const { api, t } = usePage();
  const { sitting: s, upload } = props;
  const [asking, setAsking] = useState(false);
  const pkg = s.finalPackage ?? s.packages.at(-1) ?? null;
  const perRoom = (props.rooms?.rooms ?? []).flatMap((r) => {
    const own = r.sittings.find((x) => x.sittingId === s.sittingId);
    return own ? [{ roomId: r.roomId, phase: own.phase }] : [];
  });
  const writePackage = async () => {
    const r = await api.post<{ path: string }>(
      `/api/admin/sittings/${encodeURIComponent(s.sittingId)}/answer-package`,
    );
    props.onMessage(r.ok ? r.value.path : t('sit.failed', { message: r.error.message }), r.ok);
  };
  const exportMedia = async (folder: string) => {
    setAsking(false);
    const r = await api.post<{ packagePath: string }>(
      `/api/admin/uploads/${encodeURIComponent(s.sittingId)}/media`,
      {
        folder,
      },
    );
    props.onMessage(
      r.ok
        ? t('sit.media.done', { path: r.value.packagePath })
        : t('sit.failed', { message: r.error.message }),
      r.ok,
    );
  };
  return (
    <section class="panel sitting" data-testid={`sitting-${s.sittingId}`}>
      <h2>
        {s.sittingId} {s.subjectName} <small>{t('sit.start', { at: dateTimeText(s.scheduledStart) })}</small>
      </h2>
      <div class="grid">
        <div>
          <h3>{t('sit.rooms')}</h3>
          {s.roomsNotEnded.length === 0 && perRoom.length > 0 ? (
            <p class="state match" data-testid="sitting-all-ended">
              {t('sit.allEnded')}
            </p>
          ) : null}
          <ul class="chips">
            {perRoom.map((r) => (
              <li key={r.roomId} class={`phase ${r.phase}`} data-testid={`sitting-room-${r.roomId}`}>
                {r.roomId} {t(`phase.${r.phase}`)}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>{t('sit.package')}</h3>
          {pkg ? (
            <p data-testid="sitting-package">
              {pkg.finality === 'final'
                ? t('sit.package.final')
                : t('sit.package.interim', { rooms: pkg.roomsNotEnded.join('、') })}
              <br />
              <span class="mono" title={pkg.sha256}>
                SHA-256 {hashShort(pkg.sha256)}
              </span>
              <br />
              <span class="mono path">{pkg.path}</span>
            </p>
          ) : (
            <p class="hint">{t('sit.package.none')}</p>
          )}
          <button type="button" data-testid="sitting-write-package" onClick={() => void writePackage()}>
            {t('sit.package.write')}
          </button>
        </div>
        <div>
          <h3>{t('sit.upload')}</h3>
          {upload ? <UploadState upload={upload} /> : <p class="hint">{t('sit.upload.none')}</p>}
          <button
            type="button"
            disabled={!s.finalPackage}
            data-testid="sitting-media-export"
            onClick={() => setAsking(true)}
          >
            {t('sit.media')}
          </button>
        </div>
        <div>
          <h3>{t('sit.backups')}</h3>
          {props.backups === null ? (
            <p class="hint" data-testid="sitting-backups-none">
              {t('sit.backups.none')}
            </p>
          ) : (
            <ul class="backups" data-testid="sitting-backups">
              {props.backups.map((b) => (
                <li key={`${b.kind}-${b.key}`} class={`state ${b.state === 'verified' ? 'match' : 'none'}`}>
                  {b.kind === 'site' ? t('sit.backups.site') : t('sit.backups.room', { roomId: b.key })}:{' '}
                  {MESSAGES.has(`sit.backups.state.${b.state}`)
                    ? t(`sit.backups.state.${b.state}` as MessageKey)
                    : b.state}
                  {b.path && <span class="mono path"> {b.path}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {asking && (
        <PromptDialog
          title={t('sit.media')}
          label={t('sit.media.ask')}
          onSubmit={(folder) => void exportMedia(folder)}
          onCancel={() => setAsking(false)}
        />
      )}
    </section>
  );
}

function UploadState({ upload }: { upload: UploadsView['sittings'][number] }) {
  const { t } = usePage();
  const done = upload.state === 'receipt-verified';
  return (
    <div data-testid="sitting-upload">
      <div class="progress">
        <progress max={upload.size || 1} value={done ? upload.size : upload.offset} />
        <span>
          {bytesText(done ? upload.size : upload.offset)} / {bytesText(upload.size)}
        </span>
      </div>
      <p class={done ? 'state match' : upload.state === 'failed' ? 'state mismatch' : 'state none'}>
        {t(`sit.upload.state.${upload.state}`, { error: upload.lastError ?? '' })}
      </p>
      {upload.receipt && (
        <p class="hint" data-testid="sitting-receipt">
          {t('sit.receipt', {
            receiptId: upload.receipt.receiptId,
            version: upload.receipt.version,
            ...upload.receipt.counts,
          })}
          {upload.receipt.flagged && <strong class="warn"> · {t('sit.receipt.flagged')}</strong>}
        </p>
      )}
    </div>
  );
}

/** A receipt file the centre wrote for a media export: read here, checked by the server. */
function ReceiptImport(props: { onDone: (text: string, ok: boolean) => void }) {
  const { api, t } = usePage();
  const importFile = async (file: File) => {
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      body = null;
    }
    const r = await api.post<{ sittingId: string }>('/api/admin/uploads/receipt', body);
    props.onDone(
      r.ok
        ? t('sit.receiptImport.done', { sittingId: r.value.sittingId })
        : t('sit.failed', { message: r.error.message }),
      r.ok,
    );
  };
  return (
    <label class="panel inline">
      {t('sit.receiptImport')}
      <input
        type="file"
        accept=".json,application/json"
        data-testid="receipt-file"
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          if (file)
            void importFile(file).finally(() => {
              input.value = '';
            });
        }}
      />
    </label>
  );
}
