import { run, useConsole } from '../context.js';

/** The chief examiner's key file and PIN, as they are typed at this console (never kept). */
export interface ChiefConsent {
  keyFile: string;
  pin: string;
}

/**
 * The chief examiner's consent (issue 17): their key file and PIN, presented at this console.
 * The host opens the key and signs the statement; the dialog clears both once submitted.
 */
export function ChiefConsentFields(props: { value: ChiefConsent; onInput(v: ChiefConsent): void }) {
  const { api, t } = useConsole();
  const choose = async () => {
    const r = await run(api, 'chooseKeyFile', {});
    if (r.ok && r.value) props.onInput({ ...props.value, keyFile: r.value });
  };
  return (
    <fieldset class="consent" data-testid="chief-consent">
      <p class="rule">{t('standalone.consentHint')}</p>
      <label>
        {t('standalone.chiefKey')}
        <span class="row">
          <input
            value={props.value.keyFile}
            onInput={(e) => props.onInput({ ...props.value, keyFile: e.currentTarget.value })}
            required
            spellcheck={false}
            data-testid="chief-key"
          />
          {api.mode === 'electron' && (
            <button type="button" onClick={choose}>
              {t('signin.choose')}
            </button>
          )}
        </span>
      </label>
      <label>
        {t('standalone.chiefPin')}
        <input
          type="password"
          autocomplete="off"
          value={props.value.pin}
          onInput={(e) => props.onInput({ ...props.value, pin: e.currentTarget.value })}
          data-testid="chief-pin"
        />
      </label>
    </fieldset>
  );
}

export const NO_CONSENT: ChiefConsent = Object.freeze({ keyFile: '', pin: '' });
