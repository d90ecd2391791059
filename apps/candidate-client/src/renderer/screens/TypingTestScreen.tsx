import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

/** Senior sittings: a keyboard and input-method check before the start; nothing is saved. */
export function TypingTestScreen({ bridge }: { bridge: CandidateBridge }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <main class="screen screen-center" data-screen="typing">
      <section class="card typing" aria-labelledby="typing-title">
        <h1 id="typing-title" ref={heading} tabIndex={-1}>
          {t('typing.title')}
        </h1>
        <p>{t('typing.body')}</p>
        <p class="sample" lang="zh-CN">
          {t('typing.sample')}
        </p>
        <label for="typing-input">{t('typing.input')}</label>
        <textarea
          id="typing-input"
          rows={4}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-describedby="typing-count"
        />
        <p id="typing-count" class="count">
          {t('typing.count', { n: text.length })}
        </p>
        <button type="button" class="primary" onClick={() => void bridge.finishTypingTest()}>
          {t('typing.done')}
        </button>
      </section>
    </main>
  );
}
