import { z } from 'zod';

/**
 * Text that arrives from outside and may end up on a proctor's screen, in a log or in a
 * report is refused if it holds characters that change how other text looks rather than
 * adding any: C0 and C1 control characters (NUL included) and the Unicode bidirectional
 * controls, with which "abc\u202Efdp.exe" shows as "abcexe.pdf" (issue 16, point 9).
 * Refused, not stripped: a sender that puts them in an ID or a version is not a client of
 * ours, and a stripped value would no longer be what was signed or typed.
 */
const BIDI_CONTROLS = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);

/** Tab, line feed and carriage return: the only controls multi-line text may hold. */
const LINE_CONTROLS = new Set([0x09, 0x0a, 0x0d]);

function unsafeChar(text: string, allowLines: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
    if (control && !(allowLines && LINE_CONTROLS.has(c))) return true;
    if (BIDI_CONTROLS.has(c)) return true;
  }
  return false;
}

export const UNSAFE_TEXT_MESSAGE = 'Control and bidirectional-control characters are not allowed here.';

/** A single-line free-text field of an inbound message: at most `max` UTF-16 units, no control or bidi characters. */
export function safeText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !unsafeChar(s, false), UNSAFE_TEXT_MESSAGE);
}

/** Like `safeText`, for text typed in a text area (or a PEM block): line breaks and tabs are allowed. */
export function safeMultilineText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !unsafeChar(s, true), UNSAFE_TEXT_MESSAGE);
}
