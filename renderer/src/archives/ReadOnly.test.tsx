// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../App';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';

/** `workbench serve --read-only`: the shell says so, and controls that would change the store go. */

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  window.localStorage.clear();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function client(readOnly: boolean) {
  return new FakeWorkbench({
    'app.info': () => ({ ...APP_INFO, readOnly, dbPath: '/data/lab.wbx' }),
    'runs.list': () => [runRow(1, { name: 'only run', status: 'completed' })],
    'grids.list': () => [],
  });
}

describe('read-only store', () => {
  it('shows a banner with the file, and no New run, New grid or Import', async () => {
    window.history.replaceState(null, '', '/#/grids');
    render(<App client={client(true)} />);
    const banner = await screen.findByTestId('read-only-banner');
    expect(banner.textContent).toMatch(/^Read-only: \/data\/lab\.wbx/);
    expect(screen.queryByTestId('nav-new')).toBeNull();
    expect(screen.getByTestId('nav-archives').getAttribute('href')).toBe('#/archives');
    await screen.findByTestId('grids-empty');
    expect(screen.queryByTestId('new-grid')).toBeNull();
    // The stylesheet hides the other views' store-changing controls (Delete, Re-run, Start) under this.
    expect(document.querySelector('.app')?.getAttribute('data-read-only')).toBe('true');
  });

  it('shows none of it on a normal store', async () => {
    window.history.replaceState(null, '', '/#/grids');
    render(<App client={client(false)} />);
    await screen.findByTestId('new-grid');
    expect(screen.queryByTestId('read-only-banner')).toBeNull();
    expect(screen.getByTestId('nav-new')).toBeTruthy();
    expect(document.querySelector('.app')?.hasAttribute('data-read-only')).toBe(false);
  });
});
