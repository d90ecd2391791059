import { RULES } from '@exam/domain';
import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { BridgeError } from '../../shared/result.js';
import type { CandidateState, StandaloneHeaderView } from '../../shared/state.js';
import { errorText } from '../components/errors.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import type { Translate } from '../i18n/i18n.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/zh-CN.js';
import { zhCN } from '../i18n/zh-CN.js';
import { formatClock } from '../model/time.js';

type Step = 'proctor' | 'package' | 'code';

/**
 * 单机考试 (issue 17), the proctor's steps before any login: a confirmation that the proctor
 * is at the keyboard (with this machine's fingerprint, to pick it at export), the package's
 * path and whose package it is, then the authorization code. The code is the last step: the
 * proctor types it only once the package shown is the right one.
 */
export function StandaloneImportScreen(props: {
  state: CandidateState;
  bridge: CandidateBridge;
  onClose: () => void;
}) {
  const [step, setStep] = useState<Step>('proctor');
  const [header, setHeader] = useState<StandaloneHeaderView | null>(null);
  const back = () => {
    void props.bridge.standaloneCancel();
    props.onClose();
  };
  return (
    <main class="screen screen-center" data-screen="standalone-import" data-step={step}>
      {step === 'proctor' && (
        <ProctorStep state={props.state} onNext={() => setStep('package')} onBack={back} />
      )}
      {step === 'package' && (
        <PackageStep
          bridge={props.bridge}
          onNext={(h) => {
            setHeader(h);
            setStep('code');
          }}
          onBack={back}
        />
      )}
      {step === 'code' && header && <CodeStep bridge={props.bridge} header={header} onBack={back} />}
    </main>
  );
}

function ProctorStep(props: { state: CandidateState; onNext: () => void; onBack: () => void }) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section class="card standalone" aria-labelledby="standalone-title">
      <h1 id="standalone-title" ref={heading} tabIndex={-1}>
        {t('standalone.proctor.title')}
      </h1>
      <p class="warning">{t('standalone.proctor.body')}</p>
      <p class="join-fingerprint" data-testid="standalone-fingerprint">
        {t('standalone.fingerprint', { fingerprint: props.state.machine.fingerprint })}
      </p>
      <p class="hint">{t('standalone.fingerprintHint')}</p>
      <div class="dialog-actions">
        <button type="button" onClick={props.onBack}>
          {t('standalone.back')}
        </button>
        <button type="button" class="primary" data-testid="standalone-proctor-confirm" onClick={props.onNext}>
          {t('standalone.proctor.confirm')}
        </button>
      </div>
    </section>
  );
}

function PackageStep(props: {
  bridge: CandidateBridge;
  onNext: (h: StandaloneHeaderView) => void;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [header, setHeader] = useState<StandaloneHeaderView | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const first = useFocusOnMount<HTMLInputElement>();
  const read = async (e: Event) => {
    e.preventDefault();
    if (busy || !path.trim()) return;
    setBusy(true);
    setError(null);
    setHeader(null);
    const r = await props.bridge.standaloneInspect(path.trim());
    setBusy(false);
    if (r.ok) setHeader(r.value);
    else setError(r.error);
  };
  const resume = async () => {
    const r = await props.bridge.standaloneOpen('resume');
    if (!r.ok) setError(r.error);
  };
  return (
    <form class="card standalone" onSubmit={read} aria-labelledby="standalone-title" noValidate>
      <h1 id="standalone-title">{t('standalone.package.title')}</h1>
      <label for="standalone-path">{t('standalone.package.path')}</label>
      <div class="standalone-row">
        <input
          id="standalone-path"
          ref={first}
          value={path}
          onInput={(e) => setPath(e.currentTarget.value)}
          autoComplete="off"
          spellcheck={false}
          maxLength={4096}
        />
        <button type="submit" disabled={busy || !path.trim()}>
          {busy ? t('standalone.package.reading') : t('standalone.package.read')}
        </button>
      </div>
      <div class="form-error" role="alert" data-testid="standalone-error">
        {error && standaloneErrorText(t, error)}
      </div>
      {header && (
        <section aria-labelledby="standalone-who" data-testid="standalone-header">
          <h2 id="standalone-who">{t('standalone.package.who')}</h2>
          <dl class="details">
            {(
              [
                ['standalone.package.name', header.name],
                ['standalone.package.ticket', header.ticketNo],
                ['standalone.package.sitting', header.sittingId],
                ['standalone.package.room', header.roomId],
                ['standalone.package.day', header.examDay],
                ['standalone.package.expires', formatDateTime(header.expiresAt)],
              ] as const
            ).map(([k, v]) => (
              <div key={k}>
                <dt>{t(k)}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={props.onBack}>
          {t('standalone.back')}
        </button>
        {header?.resumes ? (
          <button type="button" class="primary" onClick={() => void resume()}>
            {t('standalone.package.resume')}
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            data-testid="standalone-next"
            disabled={!header}
            onClick={() => header && props.onNext(header)}
          >
            {t('standalone.package.next')}
          </button>
        )}
      </div>
    </form>
  );
}

function CodeStep(props: { bridge: CandidateBridge; header: StandaloneHeaderView; onBack: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  const first = useFocusOnMount<HTMLInputElement>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || !code.trim()) return;
    setBusy(true);
    setError(null);
    const r = await props.bridge.standaloneOpen(code.trim());
    setBusy(false);
    // On success the host's state moves the machine on to the candidate's login.
    if (!r.ok) {
      setError(r.error);
      setCode('');
    }
  };
  return (
    <form class="card standalone" onSubmit={submit} aria-labelledby="standalone-title" noValidate>
      <h1 id="standalone-title">{t('standalone.code.title')}</h1>
      <p class="standalone-who" data-testid="standalone-who">
        {props.header.name} · {props.header.ticketNo} · {props.header.sittingId}
      </p>
      <label for="standalone-code">{t('standalone.code.label')}</label>
      <input
        id="standalone-code"
        class="standalone-code"
        ref={first}
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
        autoComplete="off"
        spellcheck={false}
        maxLength={20}
        placeholder="XXXX-XXXX-XXXX"
      />
      <div class="form-error" role="alert" data-testid="standalone-error">
        {error && standaloneErrorText(t, error)}
      </div>
      <div class="dialog-actions">
        <button type="button" onClick={props.onBack}>
          {t('standalone.back')}
        </button>
        <button type="submit" class="primary" disabled={busy || !code.trim()}>
          {busy ? t('standalone.code.opening') : t('standalone.code.submit')}
        </button>
      </div>
    </form>
  );
}

/** A refusal in the proctor's words: the reason a package failed, the tries left, the lock's end. */
function standaloneErrorText(t: Translate, e: BridgeError): string {
  const d = e.details ?? {};
  if (e.code === 'STANDALONE_REFUSED') {
    const key = `standalone.reason.${String(d.reason)}`;
    return key in zhCN ? t(key as MessageKey) : t('standalone.reason.other');
  }
  if (e.code === 'STANDALONE_WRONG_CODE' && typeof d.remaining === 'number') {
    return t('standalone.code.remaining', {
      n: d.remaining,
      max: RULES.standaloneCodeFailures,
      m: RULES.standaloneCodeLockMinutes,
    });
  }
  if (e.code === 'STANDALONE_LOCKED' && typeof d.lockedUntil === 'number') {
    return t('standalone.code.locked', { time: formatClock(d.lockedUntil) });
  }
  return errorText(t, e);
}

function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return `${day} ${formatClock(d.getTime())}`;
}
