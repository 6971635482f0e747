import { describe, expect, it } from 'vitest';
import { stoppingOutcome } from './outcome';
import { earlyStoppingSchema } from './rule-schema';
import { history } from './test-histories';
import { whatIfRules, whatIfTable } from './what-if';

// Validation loss lowest at epoch 4; test accuracy best at epoch 5; 10 epochs of 2 s.
const run = history({
  valLoss: [1.0, 0.8, 0.7, 0.6, 0.62, 0.61, 0.65, 0.7, 0.72, 0.8],
  valAcc: [0.6, 0.7, 0.75, 0.8, 0.79, 0.8, 0.78, 0.77, 0.76, 0.75],
  testLoss: [1.0, 0.8, 0.7, 0.62, 0.6, 0.63, 0.66, 0.7, 0.74, 0.8],
  testAcc: [0.6, 0.7, 0.75, 0.8, 0.82, 0.79, 0.78, 0.77, 0.76, 0.74],
  seconds: Array(10).fill(2),
});

describe('stopping outcome', () => {
  it('keeps the restored epoch from the log and says what stopping saved and cost', () => {
    const outcome = stoppingOutcome(run, earlyStoppingSchema.parse({ rule: 'patience', patience: 3 }));
    expect(outcome).toMatchObject({
      stopEpoch: 7,
      restoredEpoch: 4,
      result: { epoch: 4, valLoss: 0.6, valAcc: 0.8, testLoss: 0.62, testAcc: 0.8 },
      epochsSaved: 3,
      secondsSaved: 6,
    });
    expect(outcome.testAccRegret).toBeCloseTo(0.02, 12);
    expect(outcome.testLossRegret).toBeCloseTo(0.02, 12);
    // The last epoch had 74 %: stopping at 7 and keeping epoch 4 gained 6 points.
    expect(outcome.testAccLost).toBeCloseTo(-0.06, 12);
  });

  it('without restore keeps the stop epoch; a rule that never fires saves nothing', () => {
    const noRestore = stoppingOutcome(
      run,
      earlyStoppingSchema.parse({ rule: 'patience', patience: 3, restoreBest: false }),
    );
    expect(noRestore).toMatchObject({ resultEpoch: 7, result: { epoch: 7, testAcc: 0.78 } });
    const never = stoppingOutcome(run, earlyStoppingSchema.parse({ rule: 'patience', patience: 20 }));
    expect(never).toMatchObject({ stopEpoch: null, restoredEpoch: 4, epochsSaved: 0, secondsSaved: 0 });
  });

  it('without test or validation split: null metrics and regrets, no crash', () => {
    const outcome = stoppingOutcome(
      history({ trainLoss: [1, 0.5] }),
      earlyStoppingSchema.parse({ rule: 'gl' }),
    );
    expect(outcome).toMatchObject({
      outcome: 'unavailable',
      result: { epoch: 2, valLoss: null, testAcc: null },
    });
    expect(outcome.testAccRegret).toBeNull();
    expect(outcome.testAccLost).toBeNull();
  });
});

describe('what-if table', () => {
  it('replays patience 1…N, then GL, PQ and UP settings, on the same monitor', () => {
    const rules = whatIfRules({ monitor: 'valAcc' }, 100, { maxPatience: 4 });
    expect(
      rules.map(
        (r) => `${r.rule}:${r.rule === 'patience' ? r.patience : r.rule === 'up' ? r.strips : r.alpha}`,
      ),
    ).toEqual([
      'patience:1',
      'patience:2',
      'patience:3',
      'patience:4',
      'gl:1',
      'gl:2',
      'gl:5',
      'gl:10',
      'pq:0.5',
      'pq:1',
      'pq:2',
      'up:1',
      'up:2',
      'up:3',
    ]);
    expect(new Set(rules.map((r) => r.monitor))).toEqual(new Set(['valAcc']));
    // No patience longer than the history can show.
    expect(whatIfRules({}, 5).filter((r) => r.rule === 'patience')).toHaveLength(4);
  });

  it('gives each rule its stop, restored epoch, metrics, regret and savings', () => {
    const table = whatIfTable(run, { monitor: 'valLoss' }, { maxPatience: 6 });
    const patience = table.filter((r) => r.rule.rule === 'patience');
    expect(patience.map((r) => [r.stopEpoch, r.restoredEpoch, r.epochsSaved])).toEqual([
      [5, 4, 5],
      [6, 4, 4],
      [7, 4, 3],
      [8, 4, 2],
      [9, 4, 1],
      [10, 4, 0],
    ]);
    expect(patience.every((r) => r.result?.testAcc === 0.8)).toBe(true);
    const gl5 = table.find((r) => r.rule.rule === 'gl' && r.rule.alpha === 5);
    // GL(7) = 100 · (0.65 / 0.6 − 1) = 8.3 > 5; GL(5) = 3.3, GL(6) = 1.7.
    expect(gl5).toMatchObject({ stopEpoch: 7, restoredEpoch: 4, epochsSaved: 3, secondsSaved: 6 });
  });
});
