import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * The paper that came does not carry the exam centre's signature, or is not the paper it
 * names: nothing of it is shown, whoever sent it. The proctor is the way on.
 */
export function PaperRefusedScreen() {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <main class="screen screen-center" data-screen="paper-refused">
      <div class="card" role="alert">
        <h1 ref={heading} tabIndex={-1}>
          {t('paperRefused.title')}
        </h1>
        <p>{t('paperRefused.body')}</p>
      </div>
    </main>
  );
}
