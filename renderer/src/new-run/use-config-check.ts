import { useEffect, useState } from 'react';
import type { ConfigCheck } from '../../../common/api/contract';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';

/** Checks run once typing pauses: a check resolves the dataset and builds the summary on the server. */
export const CHECK_DEBOUNCE_MS = 250;

interface CheckState {
  result: ConfigCheck | null;
  /** The draft object the result describes (compared by identity: every edit makes a new draft). */
  forDraft: unknown;
  error: string | null;
}

export interface ConfigCheckState extends CheckState {
  /** The result describes the current draft (no edit since, no check in flight). */
  fresh: boolean;
  /** The latest successful check, kept while a new one runs so the page does not flicker. */
  lastOk: Extract<ConfigCheck, { ok: true }> | null;
}

export function useConfigCheck(draft: object | null): ConfigCheckState {
  const client = useClient();
  const [state, setState] = useState<CheckState>({ result: null, forDraft: undefined, error: null });
  const [lastOk, setLastOk] = useState<ConfigCheckState['lastOk']>(null);

  useEffect(() => {
    if (draft === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      client.call('config.check', { config: draft }).then(
        (result) => {
          if (stale) return;
          setState({ result, forDraft: draft, error: null });
          if (result.ok) setLastOk(result);
        },
        (error: unknown) => {
          if (!stale) setState({ result: null, forDraft: draft, error: errorMessage(error) });
        },
      );
    }, CHECK_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, draft]);

  return { ...state, fresh: draft !== null && state.forDraft === draft, lastOk };
}
