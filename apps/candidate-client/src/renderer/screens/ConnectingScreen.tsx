import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

export function ConnectingScreen() {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <main class="screen screen-center" data-screen="connecting">
      <div class="card">
        <div class="spinner" aria-hidden="true" />
        <h1 ref={heading} tabIndex={-1}>
          {t('connecting.title')}
        </h1>
        <p>{t('connecting.body')}</p>
      </div>
    </main>
  );
}
