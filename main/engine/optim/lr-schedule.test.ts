import { describe, expect, it } from 'vitest';
import { learningRateAt } from './lr-schedule';

describe('learningRateAt', () => {
  it('constant', () => {
    expect(
      [1, 2, 50].map((e) => learningRateAt({ learningRate: 0.1, lrSchedule: { kind: 'constant' } }, e)),
    ).toEqual([0.1, 0.1, 0.1]);
  });

  it('step: α·factor^⌊(epoch − 1)/k⌋ (E8: 1e-3 halved every epoch)', () => {
    const e8 = { learningRate: 1e-3, lrSchedule: { kind: 'step' as const, factor: 0.5, everyEpochs: 1 } };
    expect([1, 2, 3, 4, 5].map((e) => learningRateAt(e8, e))).toEqual([1e-3, 5e-4, 2.5e-4, 1.25e-4, 6.25e-5]);
    const every3 = { learningRate: 1, lrSchedule: { kind: 'step' as const, factor: 0.1, everyEpochs: 3 } };
    expect([1, 3, 4, 6, 7].map((e) => learningRateAt(every3, e))).toEqual([1, 1, 0.1, 0.1, 0.1 ** 2]);
  });
});
