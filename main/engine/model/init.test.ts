import { describe, expect, it } from 'vitest';
import { fansOf, initialKernel, initScale } from './init';

function moments(values: Float32Array): { mean: number; std: number; maxAbs: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  let maxAbs = 0;
  for (const v of values) {
    variance += (v - mean) ** 2;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  return { mean, std: Math.sqrt(variance / values.length), maxAbs };
}

describe('initialKernel', () => {
  it('uses Keras fans for dense and conv kernels', () => {
    expect(fansOf([784, 1000])).toEqual({ fanIn: 784, fanOut: 1000 });
    expect(fansOf([3, 3, 1, 32])).toEqual({ fanIn: 9, fanOut: 288 });
  });

  it('xavier: N(0, 2/(fan_in + fan_out))', () => {
    const { mean, std } = moments(initialKernel('xavier', [784, 1000], 1));
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std / Math.sqrt(2 / 1784)).toBeCloseTo(1, 2);
  });

  it('xavier-uniform: U(±√(6/(fan_in + fan_out)))', () => {
    const limit = Math.sqrt(6 / 1784);
    const { std, maxAbs } = moments(initialKernel('xavier-uniform', [784, 1000], 1));
    expect(maxAbs).toBeLessThanOrEqual(limit);
    expect(maxAbs).toBeGreaterThan(0.999 * limit);
    expect(std / (limit / Math.sqrt(3))).toBeCloseTo(1, 2);
  });

  it("he: N(0, 2/fan_in) (E8's N(0, 2/n))", () => {
    const { std } = moments(initialKernel('he', [784, 200], 1));
    expect(std / Math.sqrt(2 / 784)).toBeCloseTo(1, 2);
    expect(initScale('he', fansOf([784, 200]))).toBe(Math.sqrt(2 / 784));
  });

  it('normal: N(μ, σ) as given', () => {
    const { mean, std } = moments(initialKernel({ kind: 'normal', mean: 0.5, std: 0.1 }, [400, 400], 1));
    expect(mean).toBeCloseTo(0.5, 3);
    expect(std).toBeCloseTo(0.1, 3);
  });

  it('is a pure function of the seed', () => {
    expect(initialKernel('xavier', [20, 30], 9)).toEqual(initialKernel('xavier', [20, 30], 9));
    expect(initialKernel('xavier', [20, 30], 9)).not.toEqual(initialKernel('xavier', [20, 30], 10));
  });
});
