import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { findOverfittingOnset, generalisationGap } from './onset';
import { history } from './test-histories';

const epochs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const falling = (n: number) => epochs(n).map((e) => Math.exp(-e / 10));

describe('overfitting onset', () => {
  it('is the lowest point of validation loss when it then rises while training loss falls', () => {
    const valLoss = epochs(50).map((e) => 0.3 + 0.001 * (e - 20) ** 2);
    const onset = findOverfittingOnset(history({ valLoss, trainLoss: falling(50) }));
    expect(onset.epoch).toBe(20);
    expect(onset.reason).toMatch(
      /lowest at epoch 20 \(0\.3\d*\) and ends \d+(\.\d+)? % higher at epoch 50, while training loss falls/,
    );
  });

  it('finds the turn through noise (centred moving average)', () => {
    const rng = createRng(3);
    const valLoss = epochs(80).map((e) => 0.3 + 0.0004 * (e - 30) ** 2 + 0.02 * (rng() - 0.5));
    const onset = findOverfittingOnset(history({ valLoss, trainLoss: falling(80) }), {
      window: 9,
      minRise: 0.02,
      minEpochsAfter: 3,
    });
    expect(onset.epoch).not.toBeNull();
    expect(Math.abs((onset.epoch ?? 0) - 30)).toBeLessThanOrEqual(3);
  });

  it('none while validation loss is still falling', () => {
    const onset = findOverfittingOnset(history({ valLoss: falling(30), trainLoss: falling(30) }));
    expect(onset).toMatchObject({ epoch: null, lowestValEpoch: 30 });
    expect(onset.reason).toBe(
      'validation loss (smoothed over 5) is lowest at the last epoch (30): still falling, no onset yet',
    );
  });

  it('names the smoothed curve it read and the raw lowest epoch where they differ (never a bare contradiction)', () => {
    // A small MNIST run: best (raw) validation loss 0.9465 at epoch 3, 1.17 at the last.
    const valLoss = [1.2, 1.0, 0.9465, 1.05, 1.17];
    const onset = findOverfittingOnset(history({ valLoss, trainLoss: falling(5) }));
    expect(onset.epoch).toBeNull();
    expect(onset.lowestValEpoch).not.toBe(3);
    expect(onset.reason).toMatch(/^validation loss \(smoothed over 5\) is lowest at /);
    expect(onset.reason).toContain('unsmoothed it is lowest at epoch 3 (0.9465)');
  });

  it('none too close to the end', () => {
    const valLoss = [...falling(20), 0.2, 0.25];
    const onset = findOverfittingOnset(history({ valLoss, trainLoss: falling(22) }), {
      window: 1,
      minRise: 0.02,
      minEpochsAfter: 3,
    });
    expect(onset.epoch).toBeNull();
    expect(onset.reason).toMatch(/lowest at epoch 20, only 2 epochs before the end \(fewer than 3\)/);
  });

  it('none on a plateau (the rise stays under minRise)', () => {
    const valLoss = [...falling(10), ...Array(20).fill(Math.exp(-1) * 1.005)];
    const onset = findOverfittingOnset(history({ valLoss, trainLoss: falling(30) }), {
      window: 1,
      minRise: 0.02,
      minEpochsAfter: 3,
    });
    expect(onset.epoch).toBeNull();
    expect(onset.reason).toMatch(/a plateau, not a rise/);
  });

  it('none when training loss rises too (that is not overfitting)', () => {
    const valLoss = epochs(40).map((e) => 0.3 + 0.001 * (e - 20) ** 2);
    const onset = findOverfittingOnset(history({ valLoss, trainLoss: valLoss.map((v) => v / 2) }));
    expect(onset.epoch).toBeNull();
    expect(onset.reason).toMatch(/training loss does not fall/);
  });

  it('none without a validation split, with the reason', () => {
    const onset = findOverfittingOnset(history({ trainLoss: falling(10), testLoss: falling(10) }));
    expect(onset.epoch).toBeNull();
    expect(onset.reason).toMatch(/no validation split/);
    expect(findOverfittingOnset([]).reason).toBe('no epoch logged yet');
  });

  it('skips NaN epochs rather than failing', () => {
    const valLoss: Array<number | null> = epochs(40).map((e) => 0.3 + 0.001 * (e - 20) ** 2);
    valLoss[5] = NaN;
    expect(findOverfittingOnset(history({ valLoss, trainLoss: falling(40) })).epoch).toBe(20);
  });

  it('refuses bad parameters by name', () => {
    expect(() => findOverfittingOnset([], { window: 0, minRise: 0, minEpochsAfter: 1 })).toThrow(
      /onset window/,
    );
    expect(() => findOverfittingOnset([], { window: 3, minRise: -1, minEpochsAfter: 1 })).toThrow(/minRise/);
    expect(() => findOverfittingOnset([], { window: 3, minRise: 0, minEpochsAfter: 0 })).toThrow(
      /minEpochsAfter/,
    );
  });
});

describe('generalisation gap', () => {
  it('is validation minus training, for loss and accuracy; null where validation was not logged', () => {
    const gap = generalisationGap(
      history({ trainLoss: [0.5, 0.25], trainAcc: [0.8, 0.9], valLoss: [0.75, null], valAcc: [0.7, null] }),
    );
    expect(gap).toEqual([
      { epoch: 1, loss: 0.25, accuracy: expect.closeTo(-0.1, 12) },
      { epoch: 2, loss: null, accuracy: null },
    ]);
  });
});
