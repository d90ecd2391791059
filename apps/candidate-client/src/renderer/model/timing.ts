/** Typing is saved this long after the last keystroke (or at once on blur or leaving the item). */
export const TEXT_SAVE_DEBOUNCE_MS = 400;
