import type { ArrangementCheckResult, ArrangementOverview } from '@exam/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { dateTimeText, timeText } from '../model/format.js';
import { usePage } from './context.js';
import { useView } from './hooks.js';

/**
 * 考场数据扫码校验: a USB scanner types the code like a keyboard and ends with Enter, so the
 * one input keeps the focus (a scan must never land elsewhere); each scan gives its room's
 * verdict with the reason, and the table shows which rooms are checked.
 */
export function ArrangementScreen() {
  const { api, t } = usePage();
  const overview = useView(() => api.get<ArrangementOverview>('/api/admin/arrangement'));
  const [code, setCode] = useState('');
  const [result, setResult] = useState<ArrangementCheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    // Back to the input whenever the focus leaves it for nothing in particular.
    const refocus = () =>
      setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body) input.current?.focus();
      }, 0);
    const el = input.current;
    el?.addEventListener('blur', refocus);
    return () => el?.removeEventListener('blur', refocus);
  }, []);

  const check = async () => {
    const scanned = code.trim();
    if (!scanned) return;
    setCode('');
    const r = await api.post<ArrangementCheckResult>('/api/admin/arrangement-check', { code: scanned });
    if (r.ok) {
      setResult(r.value);
      setError(null);
    } else setError(t('common.loadFailed', { message: r.error.message }));
    await overview.reload();
    input.current?.focus();
  };

  const rooms = overview.value?.rooms ?? [];
  const checked = rooms.filter((r) => r.lastCheck).length;
  return (
    <div class="screen">
      <h1>{t('arr.title')}</h1>
      <p class="hint">{t('arr.help')}</p>
      <form
        class="scan"
        onSubmit={(e) => {
          e.preventDefault();
          void check();
        }}
      >
        <label>
          {t('arr.input')}
          <input
            ref={input}
            type="text"
            autoComplete="off"
            spellcheck={false}
            value={code}
            data-testid="arrangement-input"
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary" data-testid="arrangement-check">
          {t('arr.check')}
        </button>
      </form>
      {error && <p class="result error">{error}</p>}
      {result && <Verdict result={result} />}
      <p class="summary">
        {overview.value?.arrangementTimestamp && (
          <span>{t('arr.timestamp', { ts: dateTimeText(overview.value.arrangementTimestamp) })} · </span>
        )}
        <span data-testid="arrangement-summary">{t('arr.summary', { checked, total: rooms.length })}</span>
      </p>
      <table data-testid="arrangement-table">
        <thead>
          <tr>
            <th>{t('arr.col.room')}</th>
            <th>{t('arr.col.candidates')}</th>
            <th>{t('arr.col.state')}</th>
            <th>{t('arr.col.at')}</th>
          </tr>
        </thead>
        <tbody>
          {rooms.map((r) => {
            const state = r.lastCheck ? (r.lastCheck.match ? 'match' : 'mismatch') : 'none';
            return (
              <tr key={r.roomId} data-testid={`arrangement-row-${r.roomId}`}>
                <td>
                  {r.roomId} {r.name}
                </td>
                <td class="num">{r.candidates}</td>
                <td class={`state ${state}`} data-testid={`arrangement-state-${r.roomId}`}>
                  {t(`arr.state.${state}`)}
                </td>
                <td>{r.lastCheck ? timeText(r.lastCheck.checkedAt) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Verdict({ result }: { result: ArrangementCheckResult }) {
  const { t } = usePage();
  const roomId = result.roomId ?? t('arr.unreadableRoom');
  return (
    <div
      class={`verdict ${result.match ? 'match' : 'mismatch'}`}
      aria-live="polite"
      data-testid="arrangement-result"
    >
      <strong data-testid="arrangement-verdict">
        {result.match ? t('arr.match', { roomId }) : t('arr.mismatch', { roomId })}
      </strong>
      {result.reason && (
        <span data-testid="arrangement-reason">
          {t(`arr.reason.${result.reason}`, {
            roomId,
            examId: result.expected.examId,
            siteId: result.expected.siteId,
            scannedExam: result.scanned?.examId,
            scannedSite: result.scanned?.siteId,
            scannedTs: dateTimeText(result.scanned?.arrangementTimestamp),
            expectedTs: dateTimeText(result.expected.arrangementTimestamp),
          })}
        </span>
      )}
    </div>
  );
}
