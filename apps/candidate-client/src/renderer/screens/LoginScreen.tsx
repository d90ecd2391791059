import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { BridgeError } from '../../shared/result.js';
import type { CandidateState } from '../../shared/state.js';
import { errorText } from '../components/errors.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

export function LoginScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const { t } = useI18n();
  const [ticket, setTicket] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  const first = useFocusOnMount<HTMLInputElement>();
  const offline = state.connection !== 'online';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || offline) return;
    setBusy(true);
    setError(null);
    const r = await bridge.login(ticket, idNumber);
    setBusy(false);
    if (!r.ok) setError(r.error);
  };

  const seat = error?.details?.seatNo;
  return (
    <main class="screen screen-center" data-screen="login">
      <form class="card login" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">{t('login.title')}</h1>
        <p class="hint">{t('login.hint')}</p>
        {state.undelivered > 0 && (
          <p class="hint" data-testid="undelivered">
            {t('login.undelivered', { n: state.undelivered })}
          </p>
        )}
        <label for="ticket">{t('login.ticket')}</label>
        <input
          id="ticket"
          ref={first}
          value={ticket}
          onInput={(e) => setTicket(e.currentTarget.value)}
          inputMode="numeric"
          autoComplete="off"
          maxLength={20}
          required
        />
        <label for="id-number">{t('login.idNumber')}</label>
        <input
          id="id-number"
          value={idNumber}
          onInput={(e) => setIdNumber(e.currentTarget.value)}
          autoComplete="off"
          maxLength={18}
          required
        />
        <div class="form-error" role="alert" id="login-error">
          {error && errorText(t, error, { seat: typeof seat === 'number' ? seat : '' })}
          {!error && offline && t('login.offline')}
        </div>
        <button type="submit" class="primary" disabled={busy || offline || !ticket || !idNumber}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
