import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** Moves focus to the element when a screen appears, so a screen reader announces it. */
export function useFocusOnMount<T extends HTMLElement>(): RefObject<T> {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
