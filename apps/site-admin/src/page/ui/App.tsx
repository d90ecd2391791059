import type { SiteOverview } from '@exam/protocol';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { isLang, LANG_STORAGE_KEY, type Lang, MESSAGES, type MessageKey } from '../i18n/i18n.js';
import { ArrangementScreen } from './ArrangementScreen.js';
import type { AdminApi } from './adminApi.js';
import { CleanupScreen } from './CleanupScreen.js';
import { Page } from './context.js';
import { ImportScreen } from './ImportScreen.js';
import { KeysScreen } from './KeysScreen.js';
import { RoomsScreen } from './RoomsScreen.js';
import { SignIn } from './SignIn.js';
import { SittingsScreen } from './SittingsScreen.js';

const SCREENS = ['import', 'arrangement', 'keys', 'rooms', 'sittings', 'cleanup'] as const;
type Screen = (typeof SCREENS)[number];

function storedLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_STORAGE_KEY);
    return isLang(v) ? v : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/** The one page: sign-in, then a left navigation over the six screens. */
export function App({ api }: { api: AdminApi }) {
  const [lang, setLang] = useState<Lang>(storedLang);
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [screen, setScreen] = useState<Screen>('import');
  const [site, setSite] = useState<SiteOverview | null>(null);
  const t = useMemo(() => MESSAGES.in(lang), [lang]);

  const loadSite = useCallback(async () => {
    const r = await api.get<SiteOverview>('/api/admin/overview');
    if (r.ok) setSite(r.value);
  }, [api]);

  useEffect(() => {
    api.onSignedOut = () => {
      setSignedIn(false);
      setNotice('common.signedOut');
    };
    void api.session().then((r) => setSignedIn(r.ok && r.value.signedIn));
  }, [api]);
  useEffect(() => {
    if (signedIn) void loadSite();
  }, [signedIn, loadSite]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
  }, [lang, t]);

  const switchLang = () => {
    const next = MESSAGES.next(lang);
    setLang(next);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, next);
    } catch {
      // A browser refusing storage only forgets the choice at the next load.
    }
  };
  const langButton = (
    <button type="button" class="lang" data-testid="lang-switch" onClick={switchLang}>
      {t('app.langSwitch')}
    </button>
  );

  return (
    <Page.Provider value={{ api, t, lang }}>
      {signedIn === null ? null : !signedIn ? (
        <div class="signin-page">
          <div class="topbar">{langButton}</div>
          <SignIn
            notice={notice && t(notice)}
            onSignedIn={() => {
              setNotice(null);
              setSignedIn(true);
            }}
          />
        </div>
      ) : (
        <div class="layout">
          <nav class="nav">
            <div class="brand">{t('app.title')}</div>
            {SCREENS.map((s) => (
              <button
                type="button"
                key={s}
                class={s === screen ? 'active' : ''}
                data-testid={`nav-${s}`}
                onClick={() => setScreen(s)}
              >
                {t(`nav.${s}`)}
              </button>
            ))}
          </nav>
          <div class="main">
            <header class="header">
              <span data-testid="site-line">
                {site?.examId ? t('app.examLine', { ...site }) : t('app.noExam')}
              </span>
              <span class="spacer" />
              {langButton}
              <button
                type="button"
                data-testid="sign-out"
                onClick={() => void api.signOut().then(() => setSignedIn(false))}
              >
                {t('app.signOut')}
              </button>
            </header>
            <main>
              {screen === 'import' && <ImportScreen onImported={() => void loadSite()} />}
              {screen === 'arrangement' && <ArrangementScreen />}
              {screen === 'keys' && <KeysScreen />}
              {screen === 'rooms' && <RoomsScreen />}
              {screen === 'sittings' && <SittingsScreen />}
              {screen === 'cleanup' && <CleanupScreen />}
            </main>
          </div>
        </div>
      )}
    </Page.Provider>
  );
}
