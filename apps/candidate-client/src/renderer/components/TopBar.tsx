import type { CandidateState } from '../../shared/state.js';
import { useI18n } from '../i18n/i18n.js';

export function LanguageToggle() {
  const { t, locale, setLocale } = useI18n();
  return (
    <button
      type="button"
      class="lang"
      title={t('lang.switchLabel')}
      lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}
      onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('lang.switch')}
    </button>
  );
}

/** The band above every screen before the exam: the system's name, this seat, the language. */
export function TopBar({ state, onStandalone }: { state: CandidateState; onStandalone?: () => void }) {
  const { t } = useI18n();
  return (
    <header class="topbar">
      <span class="topbar-title">{t('app.title')}</span>
      <span class="topbar-seat">
        {state.standalone
          ? t('standalone.topbar')
          : state.machine.seatNo === null
            ? t('seat.none')
            : t('seat.label', {
                // The room's name either way (第01考场); its code only until the server has answered.
                room: state.candidate?.roomName ?? state.machine.roomName ?? state.machine.roomId ?? '',
                seat: state.machine.seatNo,
              })}
      </span>
      {/* 单机考试 (issue 17): offered before any login; the proctor's step comes first. */}
      {onStandalone && (
        <button type="button" class="topbar-standalone" data-testid="standalone-entry" onClick={onStandalone}>
          {t('standalone.entry')}
        </button>
      )}
      <LanguageToggle />
    </header>
  );
}
