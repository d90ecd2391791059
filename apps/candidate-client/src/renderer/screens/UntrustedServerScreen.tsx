import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * The server reached is not this site's (its TLS certificate is not from the centre root, or
 * names another site). Nothing can be typed here: a login would go to that server.
 */
export function UntrustedServerScreen() {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <main class="screen screen-center" data-screen="untrusted">
      <div class="card" role="alert">
        <h1 ref={heading} tabIndex={-1}>
          {t('untrusted.title')}
        </h1>
        <p>{t('untrusted.body')}</p>
      </div>
    </main>
  );
}
