import { useState } from 'preact/hooks';
import { errorText } from '../model/i18n.js';
import { run, useConsole } from './context.js';

export function SignIn() {
  const { api, t, lang, setLang, model } = useConsole();
  const session = model.session;
  const [serverUrl, setServerUrl] = useState(session && 'serverUrl' in session ? session.serverUrl : '');
  const [keyFile, setKeyFile] = useState('');
  const [pin, setPin] = useState('');
  const [roomId, setRoomId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busy = session?.phase === 'signing-in';
  const sessionError = session?.phase === 'signed-out' ? session.error : undefined;

  const choose = async () => {
    const r = await run(api, 'chooseKeyFile', {});
    if (r.ok && r.value) setKeyFile(r.value);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const r = await run(api, 'signIn', { serverUrl, keyFile, pin, ...(roomId ? { roomId } : {}) });
    setPin('');
    if (!r.ok) setError(errorText(t, r.error));
  };

  return (
    <main class="signin">
      <form class="card" onSubmit={submit} data-testid="signin">
        <header class="signin-head">
          <h1>{t('signin.title')}</h1>
          <button type="button" class="link" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
            {t('lang.switch')}
          </button>
        </header>
        {api.mode === 'web' && !session && <p class="hint">{t('signin.webWaiting')}</p>}
        <label>
          {t('signin.server')}
          <input value={serverUrl} onInput={(e) => setServerUrl(e.currentTarget.value)} required />
        </label>
        <label>
          {t('signin.keyFile')}
          <span class="row">
            <input
              value={keyFile}
              onInput={(e) => setKeyFile(e.currentTarget.value)}
              required
              data-testid="key-file"
            />
            {api.mode === 'electron' && (
              <button type="button" onClick={choose}>
                {t('signin.choose')}
              </button>
            )}
          </span>
        </label>
        <label>
          {t('signin.pin')}
          <input
            type="password"
            value={pin}
            onInput={(e) => setPin(e.currentTarget.value)}
            data-testid="pin"
          />
        </label>
        <label>
          {t('signin.room')}
          <input value={roomId} onInput={(e) => setRoomId(e.currentTarget.value)} />
        </label>
        {(error || sessionError) && (
          <p class="error" role="alert" data-testid="signin-error">
            {error ?? (sessionError ? errorText(t, sessionError) : '')}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
      </form>
    </main>
  );
}
