import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../client/errors';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile. */
  reload: () => Promise<void>;
}

/**
 * Runs `load` on mount and whenever `key` changes. Answers that arrive after a newer request started are
 * dropped, so a slow old answer never overwrites a fresh one.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latestLoad = useRef(load);
  const request = useRef(0);
  useEffect(() => {
    latestLoad.current = load;
  });

  const reload = useCallback(async () => {
    const id = ++request.current;
    setLoading(true);
    try {
      const result = await latestLoad.current();
      if (id !== request.current) return;
      setData(result);
      setError(null);
    } catch (e) {
      if (id === request.current) setError(errorMessage(e));
    } finally {
      if (id === request.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [key, reload]);

  return { data, error, loading, reload };
}
