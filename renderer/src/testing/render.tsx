import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { WorkbenchClient } from '../../../common/api/contract';
import { ClientProvider } from '../client/client-context';
import { AnnouncerProvider } from '../common/announcer';
import { AppInfoProvider } from '../common/app-info';
import { ThemeProvider } from '../common/theme';

/** Renders a view with the providers the app gives it, talking to `client`. */
export function renderWithClient(ui: ReactElement, client: WorkbenchClient): RenderResult {
  return render(
    <ClientProvider client={client}>
      <ThemeProvider>
        <AnnouncerProvider>
          <AppInfoProvider>{ui}</AppInfoProvider>
        </AnnouncerProvider>
      </ThemeProvider>
    </ClientProvider>,
  );
}
