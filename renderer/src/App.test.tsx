// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { THEME_STORAGE_KEY } from './common/theme';
import { FakeWorkbench } from './testing/fake-client';
import { APP_INFO, runRow } from './testing/fixtures';
import { simulateViewport } from './testing/layout';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  window.localStorage.clear();
  window.history.replaceState(null, '', '/#/runs');
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

const client = () =>
  new FakeWorkbench({ 'app.info': () => APP_INFO, 'runs.list': () => [runRow(1, { name: 'only run' })] });

describe('App shell', () => {
  it('routes by hash and marks the current section', async () => {
    render(<App client={client()} />);
    await screen.findByText('only run');
    expect(screen.getByTestId('nav-runs').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav-new').getAttribute('href')).toBe('#/new');
    expect(screen.getByTestId('nav-compare').getAttribute('href')).toBe('#/compare');
    expect((await screen.findByTestId('status-line')).textContent).toContain('Backend wasm');
    expect(screen.getByTestId('status-line').textContent).toContain('transport http');
  });

  it('says when an address names no page, and shows the runs', async () => {
    window.location.hash = '#/nowhere';
    render(<App client={client()} />);
    await screen.findByText('only run');
    expect(screen.getByTestId('route-not-found').textContent).toBe(
      'There is no page at #/nowhere: showing the runs instead.',
    );
    window.location.hash = '#/runs';
    await waitFor(() => expect(screen.queryByTestId('route-not-found')).toBeNull());
  });

  it('says where wasm’s matrix products run, as workbench doctor does', async () => {
    const blas = {
      ...APP_INFO,
      backend: {
        ...APP_INFO.backend,
        matmul: {
          path: 'blas' as const,
          reason: 'BLAS addon native/blas/build/Release/workbench_blas.node',
          library: 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH (core SkylakeX, 1 thread)',
        },
      },
    };
    render(<App client={new FakeWorkbench({ 'app.info': () => blas, 'runs.list': () => [] })} />);
    await waitFor(() =>
      expect(screen.getByTestId('status-line').textContent).toMatch(
        /^Backend wasm \(wasm 4\.22\.0\), matrix products on BLAS \(OpenBLAS 0\.3\.21\) · transport http/,
      ),
    );
  });

  it('toggles the theme and remembers the choice', async () => {
    render(<App client={client()} />);
    const toggle = screen.getByTestId('theme-toggle');
    expect(document.documentElement.dataset.theme).toBe('light');
    fireEvent.click(toggle);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    await screen.findByText('only run');
  });
});
