import { useEffect, useRef, useState } from 'preact/hooks';
import { usePage } from './context.js';

/** The admin's password (H3's session routes): wrong password and lock-out said plainly. */
export function SignIn(props: { onSignedIn: () => void; notice: string | null }) {
  const { api, t } = usePage();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async () => {
    if (!password || busy) return;
    setBusy(true);
    setError(null);
    const r = await api.signIn(password);
    setBusy(false);
    if (r.ok) return props.onSignedIn();
    setPassword('');
    if (r.error.code === 'RATE_LIMITED' || r.status === 429) setError(t('signin.locked'));
    else if (r.error.code === 'UNAUTHORIZED' || r.status === 401) setError(t('signin.wrong'));
    else setError(t('signin.failed', { message: r.error.message }));
  };
  return (
    <div class="signin">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{t('signin.title')}</h1>
        {props.notice && <p class="notice">{props.notice}</p>}
        <label>
          {t('signin.password')}
          <input
            type="password"
            autoComplete="current-password"
            ref={input}
            value={password}
            data-testid="signin-password"
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary" disabled={busy} data-testid="signin-submit">
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
        {error && (
          <p class="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <p class="hint">{t('signin.hint')}</p>
      </form>
    </div>
  );
}
