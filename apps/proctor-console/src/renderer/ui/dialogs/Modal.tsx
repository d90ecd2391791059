import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { HostError, HostResult } from '../../../shared/api.js';
import { errorText } from '../../model/i18n.js';
import { useConsole } from '../context.js';

export function Modal(props: {
  title: string;
  testId: string;
  children: ComponentChildren;
  onClose(): void;
  onSubmit?: () => void;
  submitLabel?: string;
  canSubmit?: boolean;
  busy?: boolean;
  error?: string | null;
  /** A dialog with a table or a large code: twice as wide. */
  wide?: boolean;
}) {
  const { t } = useConsole();
  return (
    <div class="backdrop">
      <form
        class={props.wide ? 'modal wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testId}
        onSubmit={(e) => {
          e.preventDefault();
          if (props.canSubmit !== false && !props.busy) props.onSubmit?.();
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
        {props.error && (
          <p class="error" role="alert" data-testid="dialog-error">
            {props.error}
          </p>
        )}
        <footer>
          <button type="button" onClick={props.onClose} data-testid="dialog-cancel">
            {props.onSubmit ? t('action.cancel') : t('action.close')}
          </button>
          {props.onSubmit && (
            <button
              type="submit"
              class="primary"
              disabled={props.canSubmit === false || props.busy}
              data-testid="dialog-submit"
            >
              {props.submitLabel ?? t('action.confirm')}
            </button>
          )}
        </footer>
      </form>
    </div>
  );
}

/** Runs a command once, keeping the last error for the dialog. */
export function useSubmit() {
  const { t } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HostError | null>(null);
  async function submit<T>(call: () => Promise<HostResult<T>>): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      const r = await call();
      if (!r.ok) {
        setError(r.error);
        return null;
      }
      return r.value;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, errorMessage: error ? errorText(t, error) : null, submit };
}

/** An approval code as read over the phone: 10 characters, the dash optional. */
export function CodeField(props: {
  value: string;
  onInput(v: string): void;
  authority: 'province' | 'centre';
}) {
  const { t } = useConsole();
  return (
    <label>
      {t('field.code')}
      <input
        class="code"
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value.toUpperCase())}
        maxLength={11}
        autocomplete="off"
        spellcheck={false}
        required
        pattern="[0-9A-Za-z]{5}-?[0-9A-Za-z]{5}"
        data-testid="code"
        data-authority={props.authority}
      />
    </label>
  );
}
