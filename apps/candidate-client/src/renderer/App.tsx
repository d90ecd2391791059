import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CandidateBridge } from '../shared/bridge.js';
import type { CandidateState, Reminder } from '../shared/state.js';
import { OfflineBanner, ShortfallBanner } from './components/Banners.js';
import { NoticeDialog } from './components/NoticeDialog.js';
import { StandaloneBar } from './components/Standalone.js';
import { TopBar } from './components/TopBar.js';
import { ExamScreen } from './exam/ExamScreen.js';
import { ReminderDialog } from './exam/ReminderDialog.js';
import { I18nContext, type Locale, translator } from './i18n/i18n.js';
import { screenFor } from './model/screen.js';
import { ConfirmScreen } from './screens/ConfirmScreen.js';
import { ConnectingScreen } from './screens/ConnectingScreen.js';
import { EndScreen } from './screens/EndScreen.js';
import { JoinScreen } from './screens/JoinScreen.js';
import { LockedScreen } from './screens/LockedScreen.js';
import { LoginScreen } from './screens/LoginScreen.js';
import { NoticeScreen } from './screens/NoticeScreen.js';
import { PendingScreen } from './screens/PendingScreen.js';
import { StandaloneImportScreen } from './screens/StandaloneImportScreen.js';
import { TrustAlertScreen } from './screens/TrustAlertScreen.js';
import { TypingTestScreen } from './screens/TypingTestScreen.js';

export function App({ bridge }: { bridge: CandidateBridge }) {
  const [state, setState] = useState<CandidateState | null>(null);
  const [locale, setLocale] = useState<Locale>('zh-CN');
  const [reminder, setReminder] = useState<Reminder | null>(null);
  /** The proctor chose 单机考试 (issue 17): the import steps, until done or abandoned. */
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    const off = [bridge.onState(setState), bridge.onReminder(setReminder)];
    void bridge.getState().then(setState);
    return () => {
      for (const f of off) f();
    };
  }, [bridge]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const i18n = useMemo(() => ({ locale, t: translator(locale), setLocale }), [locale]);
  if (!state) return null;
  const screen = screenFor(state);
  // Only before anyone logs in here, and only until the package is open.
  const importOffered = !state.candidate && !state.standalone;
  const showImport = importing && importOffered;
  const body = (() => {
    if (showImport) {
      return <StandaloneImportScreen state={state} bridge={bridge} onClose={() => setImporting(false)} />;
    }
    switch (screen) {
      case 'connecting':
        return <ConnectingScreen />;
      case 'untrusted':
        return <TrustAlertScreen kind="untrusted" />;
      case 'paperRefused':
        return <TrustAlertScreen kind="paperRefused" />;
      case 'join':
        return <JoinScreen state={state} bridge={bridge} />;
      case 'pending':
        return <PendingScreen state={state} bridge={bridge} />;
      case 'locked':
        return <LockedScreen state={state} />;
      case 'login':
        return <LoginScreen state={state} bridge={bridge} />;
      case 'confirm':
        return <ConfirmScreen state={state} bridge={bridge} />;
      case 'typing':
        return <TypingTestScreen bridge={bridge} />;
      case 'notice':
        return <NoticeScreen state={state} bridge={bridge} />;
      case 'exam':
        return <ExamScreen state={state} bridge={bridge} />;
      case 'end':
        return <EndScreen state={state} bridge={bridge} />;
    }
  })();
  return (
    <I18nContext.Provider value={i18n}>
      <div class="app" data-current-screen={showImport ? 'standalone-import' : screen}>
        {screen !== 'exam' && (
          <TopBar
            state={state}
            onStandalone={importOffered && !showImport ? () => setImporting(true) : undefined}
          />
        )}
        <StandaloneBar state={state} bridge={bridge} />
        <OfflineBanner state={state} />
        <ShortfallBanner state={state} />
        {body}
        {reminder && (screen === 'exam' || screen === 'notice') && (
          <ReminderDialog beforeEndMs={reminder.beforeEndMs} onClose={() => setReminder(null)} />
        )}
        <NoticeDialog notices={state.notices} onAcknowledge={(id) => void bridge.acknowledgeNotice(id)} />
      </div>
    </I18nContext.Provider>
  );
}
