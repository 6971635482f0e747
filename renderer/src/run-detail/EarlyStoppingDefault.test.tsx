// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { epoch, mlpConfig } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { EarlyStoppingPanel } from './EarlyStoppingPanel';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

const noValidation = (n: number) => epoch(n, { valLoss: null, valAcc: null, trainLoss: 1 / n });

describe('Early stopping on a run without a validation split (E7)', () => {
  it('monitors training loss, as the grid view does, instead of a metric the run never logged', () => {
    const config = mlpConfig({
      dataset: { ...mlpConfig().dataset, split: { train: 150, validation: 0, test: 0 } },
    });
    render(<EarlyStoppingPanel epochs={[1, 2, 3, 4].map(noValidation)} config={config} earlyStop={null} />);
    expect((screen.getByLabelText('Monitor') as HTMLSelectElement).value).toBe('trainLoss');
    expect(screen.getByTestId('stopping-best').textContent).toBe('4 (training loss 0.25)');
    expect(screen.getByTestId('stopping-reason').textContent).not.toContain('not logged');
  });

  it('says the generalisation gap has nothing to show instead of drawing empty axes', () => {
    const config = mlpConfig({
      dataset: { ...mlpConfig().dataset, split: { train: 150, validation: 0, test: 0 } },
    });
    render(<EarlyStoppingPanel epochs={[1, 2, 3].map(noValidation)} config={config} earlyStop={null} />);
    expect(screen.getByTestId('gap-none').textContent).toContain('logs no validation metrics');
  });

  it('keeps validation loss where the run has a validation split', () => {
    render(
      <EarlyStoppingPanel epochs={[1, 2, 3].map((n) => epoch(n))} config={mlpConfig()} earlyStop={null} />,
    );
    expect((screen.getByLabelText('Monitor') as HTMLSelectElement).value).toBe('valLoss');
    expect(screen.queryByTestId('gap-none')).toBeNull();
  });
});
