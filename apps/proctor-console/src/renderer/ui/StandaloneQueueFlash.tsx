import { useEffect, useRef } from 'preact/hooks';
import { errorText } from '../model/i18n.js';
import { collectSummary } from '../model/standalone.js';
import { useConsole } from './context.js';
import type { Flash } from './uiState.js';

/**
 * Says what became of an answer file kept while the site server was down (issue 17), once,
 * when the host has sent it: collected with its figures, or refused with the reason.
 */
export function QueuedOutcomeFlash(props: { onFlash(f: Flash): void }) {
  const { t, model } = useConsole();
  const outcome = model.standalone.lastQueuedOutcome;
  const shown = useRef<string | null>(null);
  const id = outcome ? `${outcome.at}|${outcome.fileName}` : null;
  useEffect(() => {
    if (!outcome || id === shown.current) return;
    const first = shown.current === null && outcome.at < Date.now() - 60_000;
    shown.current = id;
    // An outcome from before this page opened was reported to whoever was watching then.
    if (first) return;
    if (outcome.result) {
      const s = collectSummary(outcome.result);
      props.onFlash({
        text: t('standalone.queuedMerged', { file: outcome.fileName, summary: t(s.key, s.params) }),
        error: false,
      });
    } else if (outcome.error) {
      props.onFlash({
        text: t('standalone.queuedRefused', { file: outcome.fileName, error: errorText(t, outcome.error) }),
        error: true,
      });
    }
  }, [id]);
  return null;
}

/**
 * Says what became of a package exported offline when the site server came back (decision
 * 0017, amendment): registered, registered with online answers after it (a clash to resolve),
 * or refused with the reason.
 */
export function RegistrationFlash(props: { onFlash(f: Flash): void }) {
  const { t, model } = useConsole();
  const outcome = model.standalone.offline?.lastRegistration ?? null;
  const shown = useRef<string | null>(null);
  const id = outcome ? `${outcome.at}|${outcome.packageId}` : null;
  useEffect(() => {
    if (!outcome || id === shown.current) return;
    const first = shown.current === null && outcome.at < Date.now() - 60_000;
    shown.current = id;
    if (first) return;
    const short = outcome.packageId.slice(0, 8);
    if (outcome.error) {
      props.onFlash({
        text: t('standalone.registerRefused', { id: short, error: errorText(t, outcome.error) }),
        error: true,
      });
    } else if (outcome.onlineChangesAfterExport > 0) {
      props.onFlash({
        text: t('standalone.registeredClash', { id: short, n: outcome.onlineChangesAfterExport }),
        error: true,
      });
    } else {
      props.onFlash({ text: t('standalone.registered', { id: short }), error: false });
    }
  }, [id]);
  return null;
}
