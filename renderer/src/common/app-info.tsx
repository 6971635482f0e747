import { createContext, useContext, type ReactNode } from 'react';
import type { AppInfo } from '../../../common/api/contract';
import { useClient } from '../client/client-context';
import { useLoad } from './use-load';

interface AppInfoState {
  info: AppInfo | undefined;
  error: string | null;
}

const AppInfoContext = createContext<AppInfoState>({ info: undefined, error: null });

/** app.info is fetched once: the status line and the New run form's backend list both need it. */
export function AppInfoProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const { data, error } = useLoad(() => client.call('app.info', {}), 'app.info');
  return <AppInfoContext.Provider value={{ info: data, error }}>{children}</AppInfoContext.Provider>;
}

export function useAppInfo(): AppInfoState {
  return useContext(AppInfoContext);
}
