import { useEffect, useState } from 'react';
import type { GridCheck } from '../../../common/grid/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';

/** Checks run once typing pauses: a check expands every cell and validates each one on the server. */
export const GRID_CHECK_DEBOUNCE_MS = 300;

interface CheckState {
  result: GridCheck | null;
  /** The spec object the result describes (every edit makes a new one). */
  forSpec: unknown;
  error: string | null;
}

export interface GridCheckState extends CheckState {
  /** The result describes the current spec (no edit since, no check in flight). */
  fresh: boolean;
  /** The latest successful check, kept while a new one runs so the counts do not flicker. */
  lastOk: Extract<GridCheck, { ok: true }> | null;
}

export function useGridCheck(spec: object | null): GridCheckState {
  const client = useClient();
  const [state, setState] = useState<CheckState>({ result: null, forSpec: undefined, error: null });
  const [lastOk, setLastOk] = useState<GridCheckState['lastOk']>(null);

  useEffect(() => {
    if (spec === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      client.call('grids.check', { spec }).then(
        (result) => {
          if (stale) return;
          setState({ result, forSpec: spec, error: null });
          if (result.ok) setLastOk(result);
        },
        (error: unknown) => {
          if (!stale) setState({ result: null, forSpec: spec, error: errorMessage(error) });
        },
      );
    }, GRID_CHECK_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, spec]);

  return { ...state, fresh: spec !== null && state.forSpec === spec, lastOk };
}
