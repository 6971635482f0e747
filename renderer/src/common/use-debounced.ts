import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Calls `fn` once calls stop for `waitMs`, but at least every `maxWaitMs` while they keep coming (a run
 * logging epochs continuously would otherwise never refresh the view).
 */
export function useDebouncedCallback(fn: () => void, waitMs: number, maxWaitMs = Infinity): () => void {
  const latest = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const firstCall = useRef<number | null>(null);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  return useCallback(() => {
    const now = Date.now();
    firstCall.current ??= now;
    if (timer.current !== null) clearTimeout(timer.current);
    const delay = Math.max(0, Math.min(waitMs, firstCall.current + maxWaitMs - now));
    timer.current = setTimeout(() => {
      timer.current = null;
      firstCall.current = null;
      latest.current();
    }, delay);
  }, [waitMs, maxWaitMs]);
}

/** `value`, but only after it has stopped changing for `waitMs`. */
export function useDebouncedValue<T>(value: T, waitMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(() => value), waitMs);
    return () => clearTimeout(timer);
  }, [value, waitMs]);
  return debounced;
}
