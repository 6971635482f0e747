import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { ApiEvent, WorkbenchClient } from '../../../common/api/contract';

const ClientContext = createContext<WorkbenchClient | null>(null);

export function ClientProvider({ client, children }: { client: WorkbenchClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): WorkbenchClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientProvider>');
  return client;
}

/** Subscribes for the component's lifetime; the latest `listener` is always the one called. */
export function useClientEvents(listener: (event: ApiEvent) => void): void {
  const client = useClient();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.subscribe((event) => latest.current(event)), [client]);
}
