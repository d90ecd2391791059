import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { usePage } from './context.js';

/** A dialog over the page: the confirm before cleanup, the folder for a media export. */
export function Modal(props: { testId: string; title: string; children: ComponentChildren }) {
  return (
    <div class="backdrop">
      <div class="modal" role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

export function ConfirmDialog(props: { text: string; onConfirm: () => void; onCancel: () => void }) {
  const { t } = usePage();
  return (
    <Modal testId="confirm-dialog" title={t('common.confirm')}>
      <p>{props.text}</p>
      <div class="actions">
        <button type="button" onClick={props.onCancel} data-testid="dialog-cancel">
          {t('common.cancel')}
        </button>
        <button type="button" class="danger" onClick={props.onConfirm} data-testid="dialog-confirm">
          {t('common.confirm')}
        </button>
      </div>
    </Modal>
  );
}

export function PromptDialog(props: {
  title: string;
  label: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}) {
  const { t } = usePage();
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <Modal testId="prompt-dialog" title={props.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) props.onSubmit(value.trim());
        }}
      >
        <label>
          {props.label}
          <input
            type="text"
            value={value}
            ref={input}
            data-testid="prompt-input"
            onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          />
        </label>
        <div class="actions">
          <button type="button" onClick={props.onCancel} data-testid="dialog-cancel">
            {t('common.cancel')}
          </button>
          <button type="submit" data-testid="dialog-confirm">
            {t('common.confirm')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
