import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Result } from './adminApi.js';

/**
 * A view read from the server, again every `everyMs` when given (the rooms overview), and
 * on `reload()` after an action. The last good value stays on screen while a read fails.
 */
export function useView<T>(read: () => Promise<Result<T>>, everyMs?: number) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<Result<T> | null>(null);
  const [at, setAt] = useState<number | null>(null);
  const readRef = useRef(read);
  readRef.current = read;
  const reload = useCallback(async () => {
    const r = await readRef.current();
    if (r.ok) {
      setValue(r.value);
      setError(null);
      setAt(Date.now());
    } else setError(r);
  }, []);
  useEffect(() => {
    void reload();
    if (!everyMs) return;
    const timer = setInterval(() => void reload(), everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { value, error: error && !error.ok ? error.error : null, at, reload };
}
