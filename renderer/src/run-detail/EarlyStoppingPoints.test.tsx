// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSchedule } from '../../../common/metrics/eval-points';
import { earlyStoppingSchema } from '../../../common/stopping/rule-schema';
import type { EvalPoint } from '../../../common/types';
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

/** 1000 examples in batches of 100, evaluated every 250: points after steps 3, 5 and 8 of each epoch. */
const schedule: RunSchedule = { trainExamples: 1000, stepsPerEpoch: 10, evaluateEvery: { examples: 250 } };
const STEPS = [3, 5, 8];

/** Validation loss per evaluation, three points then the epoch's end: best at step 8, worse after. */
const VAL = [1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3, 1.4];

function point(i: number): EvalPoint {
  const e = Math.floor(i / 4);
  const q = i % 4;
  return {
    ...epoch(e + 1, { valLoss: VAL[i] }),
    step: e * 10 + STEPS[q],
    examples: e * 1000 + (q + 1) * 250,
    epoch: e + (q + 1) / 4,
    seconds: q + 1,
  };
}

const epochs = [3, 7, 11].map((i, e) => epoch(e + 1, { valLoss: VAL[i], seconds: 4 }));
const points = VAL.map((_, i) => i)
  .filter((i) => i % 4 !== 3)
  .map(point);
const config = mlpConfig({
  training: {
    ...mlpConfig().training,
    evaluateEvery: { examples: 250 },
    earlyStopping: earlyStoppingSchema.parse({ rule: 'patience', monitor: 'valLoss', patience: 2 }),
  },
});

describe('Early stopping on a run with evaluation points', () => {
  it('replays the rule on the evaluations and names the best and the stop by step and epoch', () => {
    render(
      <EarlyStoppingPanel
        epochs={epochs}
        points={points}
        schedule={schedule}
        config={config}
        earlyStop={null}
      />,
    );
    expect(screen.getByTestId('stopping-counts').textContent).toContain(
      'Patience counts evaluations, not epochs: this run evaluates every 250 examples (9 points inside epochs and 3 epoch ends)',
    );
    const summary = screen.getByTestId('stopping-summary');
    // Best at the third evaluation; patience 2 stops at the fifth, a quarter into epoch 2.
    expect(summary.dataset.bestStep).toBe('8');
    expect(summary.dataset.bestEpoch).toBe('0.75');
    expect(summary.dataset.stopStep).toBe('13');
    expect(summary.dataset.stopEpoch).toBe('1.25');
    expect(summary.dataset.restoredStep).toBe('10');
    expect(screen.getByTestId('stopping-best').textContent).toBe('step 8 (epoch 0.75) (validation loss 0.7)');
    expect(screen.getByTestId('stopping-reason').textContent).toMatch(
      /^stops after step 13 \(epoch 1\.25\) /,
    );
    expect(screen.getByTestId('stopping-kept').textContent).toContain('saves 1.75 epochs, 7 evaluations');
    // The curves are drawn on the evaluations, marked at the best and the stop evaluations.
    expect(
      within(screen.getByTestId('stopping-curves')).getByRole('figure').getAttribute('aria-label'),
    ).toContain('best step 8 (epoch 0.75)');
    expect(
      within(screen.getByTestId('stopping-curves')).getByRole('figure').getAttribute('aria-label'),
    ).toContain('stop step 13 (epoch 1.25)');
  });

  it('the what-if table counts patience in evaluations and names where each rule stops and keeps', () => {
    render(
      <EarlyStoppingPanel
        epochs={epochs}
        points={points}
        schedule={schedule}
        config={config}
        earlyStop={null}
      />,
    );
    const row = screen
      .getAllByTestId('what-if-row')
      .find((r) => r.getAttribute('data-rule') === 'patience:1')!;
    const cell = (col: string) => row.querySelector(`[data-col="${col}"]`)!;
    // Patience 1 stops at the first evaluation that is no better: the epoch's end after step 8.
    expect(cell('stop').textContent).toBe('step 10 (epoch 1)');
    expect(cell('stop').getAttribute('data-step')).toBe('10');
    expect(cell('kept').textContent).toBe('step 10 (epoch 1)');
    expect(cell('saved').textContent).toBe('2');
    expect(cell('saved').getAttribute('title')).toBe('8 evaluations');
    // Patience 1…11: one fewer than the evaluations.
    expect(
      screen.getAllByTestId('what-if-row').filter((r) => r.getAttribute('data-rule')?.startsWith('patience')),
    ).toHaveLength(11);
  });

  it('a run without points is analysed on its epochs as before', () => {
    render(
      <EarlyStoppingPanel epochs={epochs} points={[]} schedule={schedule} config={config} earlyStop={null} />,
    );
    expect(screen.queryByTestId('stopping-counts')).toBeNull();
    const summary = screen.getByTestId('stopping-summary');
    expect(summary.dataset.stopStep).toBeUndefined();
    expect(screen.getByTestId('stopping-best').textContent).toBe('1 (validation loss 0.75)');
  });
});
