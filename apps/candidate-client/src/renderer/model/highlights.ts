/** A highlighted span of a text, as character offsets [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** Adds a span, merging any it overlaps or touches; the result is sorted. */
export function addSpan(spans: readonly Span[], add: Span): Span[] {
  if (add.end <= add.start) return [...spans];
  const all = [...spans, add].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of all) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** The text cut into plain and highlighted pieces, in order. */
export function segments(
  text: string,
  spans: readonly Span[],
): { start: number; text: string; marked: boolean }[] {
  const out: { start: number; text: string; marked: boolean }[] = [];
  let at = 0;
  for (const s of spans) {
    const start = Math.min(Math.max(s.start, at), text.length);
    const end = Math.min(s.end, text.length);
    if (start > at) out.push({ start: at, text: text.slice(at, start), marked: false });
    if (end > start) out.push({ start, text: text.slice(start, end), marked: true });
    at = Math.max(at, end);
  }
  if (at < text.length) out.push({ start: at, text: text.slice(at), marked: false });
  return out;
}
