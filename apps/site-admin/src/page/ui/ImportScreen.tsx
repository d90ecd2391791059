import type { SiteOverview } from '@exam/protocol';
import { useState } from 'preact/hooks';
import type { MessageKey } from '../i18n/i18n.js';
import { bytesText, dateTimeText } from '../model/format.js';
import { usePage } from './context.js';
import { useView } from './hooks.js';

interface ExamImported {
  examId: string;
  examName: string;
  siteId: string;
  siteName: string;
  batches: number;
  sittings: number;
  rooms: number;
  candidates: number;
  registeredKeys: number;
}
interface AuthorizationImported {
  sittings: string[];
  validFrom: string;
  validUntil: string;
}

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/**
 * One package upload: the file, a progress bar fed by the upload's own events, then the
 * server's verification result in words (what it imported, or why it refused).
 */
function PackageUpload<T>(props: {
  kind: 'exam' | 'auth';
  label: MessageKey;
  route: string;
  describe: (value: T) => string;
  onImported: () => void;
}) {
  const { api, t } = usePage();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [phase, setPhase] = useState<'idle' | 'uploading' | 'verifying'>('idle');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const upload = async () => {
    if (!file) return setOutcome({ ok: false, text: t('import.noFile') });
    setOutcome(null);
    setPhase('uploading');
    setProgress({ sent: 0, total: file.size });
    const r = await api.upload<T>(props.route, file, (sent, total) => {
      setProgress({ sent, total });
      if (sent >= total) setPhase('verifying');
    });
    setPhase('idle');
    if (r.ok) {
      setOutcome({ ok: true, text: props.describe(r.value) });
      props.onImported();
    } else setOutcome({ ok: false, text: t('import.refused', { message: r.error.message }) });
  };
  const id = `import-${props.kind}`;
  return (
    <section class="panel" data-testid={id}>
      <h2>{t(props.label)}</h2>
      <div class="row">
        <input
          type="file"
          accept=".exampkg,application/octet-stream"
          data-testid={`${id}-file`}
          onChange={(e) => {
            setFile((e.target as HTMLInputElement).files?.[0] ?? null);
            setOutcome(null);
            setProgress(null);
          }}
        />
        <button
          type="button"
          class="primary"
          disabled={phase !== 'idle'}
          data-testid={`${id}-upload`}
          onClick={() => void upload()}
        >
          {t('import.upload')}
        </button>
      </div>
      {progress && (
        <div class="progress">
          <progress data-testid={`${id}-progress`} max={progress.total || 1} value={progress.sent} />
          <span data-testid={`${id}-progress-text`}>
            {phase === 'verifying'
              ? t('import.verifying')
              : t('import.uploading', { done: bytesText(progress.sent), total: bytesText(progress.total) })}
          </span>
        </div>
      )}
      {outcome && (
        <p class={outcome.ok ? 'result ok' : 'result error'} aria-live="polite" data-testid={`${id}-result`}>
          {outcome.text}
        </p>
      )}
    </section>
  );
}

export function ImportScreen(props: { onImported: () => void }) {
  const { api, t } = usePage();
  const held = useView(() => api.get<SiteOverview>('/api/admin/overview'));
  const reload = () => {
    void held.reload();
    props.onImported();
  };
  const site = held.value;
  return (
    <div class="screen">
      <h1>{t('import.title')}</h1>
      {site?.examId && (
        <p class="held" data-testid="import-held">
          {site.authorizedUntil
            ? t('import.held', { ...site, authorizedUntil: dateTimeText(site.authorizedUntil) })
            : t('import.heldNoAuth', { ...site })}
        </p>
      )}
      <PackageUpload<ExamImported>
        kind="exam"
        label="import.examData"
        route="/api/admin/exam-data"
        describe={(v) => t('import.examDone', { ...v })}
        onImported={reload}
      />
      <PackageUpload<AuthorizationImported>
        kind="auth"
        label="import.authorization"
        route="/api/admin/authorization"
        describe={(v) =>
          t('import.authDone', {
            sittings: v.sittings.join('、'),
            validFrom: dateTimeText(v.validFrom),
            validUntil: dateTimeText(v.validUntil),
          })
        }
        onImported={reload}
      />
    </div>
  );
}
