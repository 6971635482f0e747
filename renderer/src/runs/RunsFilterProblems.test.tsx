// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunTableRow } from '../../../common/api/contract';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { RunsView } from './RunsView';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function workbench(rows: RunTableRow[]) {
  return new FakeWorkbench({ 'app.info': () => APP_INFO, 'runs.list': () => rows });
}

describe('Runs view: header and filter messages', () => {
  it('says "1 run", not "1 runs"', async () => {
    renderWithClient(<RunsView />, workbench([runRow(1)]));
    await screen.findByTestId('runs-table');
    expect(screen.getByText('1 run')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'nothing-like-it' } });
    expect(screen.getByText('0 of 1 run shown')).toBeTruthy();
  });

  it('flags a comparison with a value that is no number instead of silently showing no runs', async () => {
    renderWithClient(<RunsView />, workbench([runRow(1), runRow(2)]));
    await screen.findByTestId('runs-table');
    const filter = screen.getByLabelText('Filter');
    fireEvent.change(filter, { target: { value: 'lr<abc' } });
    expect(screen.getByTestId('runs-filter-problems').textContent).toBe(
      '“lr<abc”: lr < needs a number (such as lr<0.01), and “abc” is not one.',
    );
    expect(filter.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(filter, { target: { value: 'lr<1' } });
    expect(screen.queryByTestId('runs-filter-problems')).toBeNull();
  });
});
