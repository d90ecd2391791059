import { type Span, segments } from '../model/highlights.js';

/** Text whose highlighted spans render as <mark>; `hlKey` lets the toolbar find it. */
export function HighlightText(props: {
  hlKey: string;
  text: string;
  spans: readonly Span[];
  class?: string;
}) {
  return (
    <div class={props.class} data-hl-key={props.hlKey}>
      {segments(props.text, props.spans).map((s) =>
        s.marked ? <mark key={s.start}>{s.text}</mark> : <span key={s.start}>{s.text}</span>,
      )}
    </div>
  );
}

/** The current selection as a span of one highlightable text, or null. */
export function selectedSpan(): { key: string; span: Span } | null {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const start = range.startContainer;
  const host = (start instanceof Element ? start : start.parentElement)?.closest<HTMLElement>(
    '[data-hl-key]',
  );
  if (!host?.dataset.hlKey) return null;
  const before = document.createRange();
  before.selectNodeContents(host);
  before.setEnd(range.startContainer, range.startOffset);
  const from = before.toString().length;
  // A selection running past this text is cut at its end.
  const inside = document.createRange();
  inside.selectNodeContents(host);
  if (host.contains(range.endContainer)) inside.setEnd(range.endContainer, range.endOffset);
  const to = inside.toString().length;
  sel.removeAllRanges();
  return to > from ? { key: host.dataset.hlKey, span: { start: from, end: to } } : null;
}
