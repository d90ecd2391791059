import type { Paper } from '@exam/protocol';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { BridgeError } from '../../shared/result.js';
import type { CandidateState } from '../../shared/state.js';
import { errorText } from '../components/errors.js';
import { useI18n } from '../i18n/i18n.js';
import { AnswerBook } from '../model/answerBook.js';
import { addSpan, type Span } from '../model/highlights.js';
import { CalculatorPanel } from './CalculatorPanel.js';
import { HandInDialog } from './HandInDialog.js';
import { HighlightText, selectedSpan } from './HighlightText.js';
import { ItemView } from './ItemView.js';
import { Navigator } from './Navigator.js';
import { TitleBar } from './TitleBar.js';
import { Toolbar } from './Toolbar.js';

const FONT_STEPS = Object.freeze({ min: -2, max: 5, px: 2, basePx: 16 });
const NO_SPANS: readonly Span[] = Object.freeze([]);

/** Loads the paper and this machine's answers once, then shows the exam. */
export function ExamScreen({ state, bridge }: { state: CandidateState; bridge: CandidateBridge }) {
  const [loaded, setLoaded] = useState<{ paper: Paper; book: AnswerBook } | null>(null);
  const [revision, setRevision] = useState(0);
  const [saveError, setSaveError] = useState<BridgeError | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all([bridge.getPaper(), bridge.getAnswers()]).then(([paper, answers]) => {
      if (!live || !paper) return;
      const book = new AnswerBook(
        bridge,
        answers,
        () => setRevision((r) => r + 1),
        (e) => setSaveError(e),
      );
      setLoaded({ paper, book });
    });
    return () => {
      live = false;
    };
  }, [bridge]);
  if (!loaded) return <div class="exam" data-screen="exam-loading" />;
  return (
    <Exam
      state={state}
      bridge={bridge}
      paper={loaded.paper}
      book={loaded.book}
      revision={revision}
      saveError={saveError}
    />
  );
}

function Exam(props: {
  state: CandidateState;
  bridge: CandidateBridge;
  paper: Paper;
  book: AnswerBook;
  revision: number;
  saveError: BridgeError | null;
}) {
  const { t } = useI18n();
  const { state, paper, book } = props;
  const items = paper.items;
  const [index, setIndex] = useState(0);
  const [fontStep, setFontStep] = useState(0);
  const [calcOpen, setCalcOpen] = useState(false);
  const [handInOpen, setHandInOpen] = useState(false);
  const [highlights, setHighlights] = useState<Record<string, Span[]>>({});
  const item = items[index]!;
  const caseText = useMemo(
    () => (item.caseId ? paper.cases.find((c) => c.id === item.caseId) : undefined),
    [paper, item.caseId],
  );
  const answering = state.phase === 'answering';
  const go = useCallback((i: number) => setIndex(Math.max(0, Math.min(items.length - 1, i))), [items.length]);
  const entry = book.get(item.id);

  // A closed hand-in dialog must not linger over the end screen's successor states.
  useEffect(() => {
    if (!answering) setHandInOpen(false);
  }, [answering]);

  return (
    <div
      class="exam"
      data-screen="exam"
      style={{ '--fs': `${FONT_STEPS.basePx + fontStep * FONT_STEPS.px}px` }}
    >
      <TitleBar state={state} onHandIn={() => setHandInOpen(true)} />
      <div class="exam-body">
        <Navigator items={items} book={book} revision={props.revision} current={index} onJump={go} />
        <main class="pane" aria-label={paper.title}>
          <Toolbar
            flagged={entry?.flagged ?? false}
            total={items.length}
            onFlag={() => void book.toggleFlag(item.id)}
            onCalculator={() => setCalcOpen((o) => !o)}
            onFont={(d) => setFontStep((s) => Math.max(FONT_STEPS.min, Math.min(FONT_STEPS.max, s + d)))}
            onHighlight={() => {
              const sel = selectedSpan();
              if (sel) setHighlights((h) => ({ ...h, [sel.key]: addSpan(h[sel.key] ?? [], sel.span) }));
            }}
            onClearHighlight={() => setHighlights({})}
            onJump={go}
          />
          {state.phase === 'time-up' && (
            <p class="banner banner-warning" role="alert">
              {t('exam.timeUp')}
            </p>
          )}
          {props.saveError && (
            <p class="banner banner-warning" role="alert">
              {t('exam.saveFailed', { reason: errorText(t, props.saveError) })}
            </p>
          )}
          <div class={`content${caseText ? ' split' : ''}`}>
            {caseText && (
              <aside class="case" aria-labelledby="case-title">
                <h2 id="case-title">
                  {t('exam.case')}：{caseText.title}
                </h2>
                <HighlightText
                  hlKey={`case:${caseText.id}`}
                  text={caseText.text}
                  spans={highlights[`case:${caseText.id}`] ?? NO_SPANS}
                  class="case-text"
                />
              </aside>
            )}
            <div class="item-scroll">
              <ItemView
                item={item}
                n={index + 1}
                value={entry?.value}
                flagged={entry?.flagged ?? false}
                disabled={!answering}
                spans={highlights[`stem:${item.id}`] ?? NO_SPANS}
                onAnswer={(v) => void book.setValue(item.id, v)}
              />
            </div>
          </div>
          <div class="pager">
            <button type="button" disabled={index === 0} onClick={() => go(index - 1)}>
              ← {t('exam.prev')}
            </button>
            <span aria-live="polite" data-testid="position">
              {index + 1} / {items.length}
            </span>
            <button type="button" disabled={index === items.length - 1} onClick={() => go(index + 1)}>
              {t('exam.next')} →
            </button>
          </div>
        </main>
        {calcOpen && <CalculatorPanel onClose={() => setCalcOpen(false)} />}
      </div>
      {handInOpen && (
        <HandInDialog
          items={items}
          book={book}
          onCancel={() => setHandInOpen(false)}
          onConfirm={() => props.bridge.handIn()}
        />
      )}
    </div>
  );
}
