import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * What this machine refuses to believe (issue 16), said to the candidate with nothing to type:
 * `untrusted`, a server that cannot prove it is this site's (a login would go to it);
 * `paperRefused`, a paper the exam centre did not sign (none of it is shown).
 */
const TEXTS = {
  untrusted: { screen: 'untrusted', title: 'untrusted.title', body: 'untrusted.body' },
  paperRefused: { screen: 'paper-refused', title: 'paperRefused.title', body: 'paperRefused.body' },
} as const;

export function TrustAlertScreen({ kind }: { kind: keyof typeof TEXTS }) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const text = TEXTS[kind];
  return (
    <main class="screen screen-center" data-screen={text.screen}>
      <div class="card" role="alert">
        <h1 ref={heading} tabIndex={-1}>
          {t(text.title)}
        </h1>
        <p>{t(text.body)}</p>
      </div>
    </main>
  );
}
