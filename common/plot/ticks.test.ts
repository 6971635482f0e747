import { describe, expect, it } from 'vitest';
import { axisLabels, formatPowerOfTen, formatTick, linearTicks, logTicks, niceNumber } from './ticks';

describe('niceNumber', () => {
  const table: Array<[number, boolean, number]> = [
    [0.34, true, 0.5],
    [1.2, true, 1],
    [2.5, true, 2],
    [7.5, true, 10],
    [2.1, false, 5],
    [1, false, 1],
    [120, false, 200],
    [0.0042, true, 0.005],
  ];
  for (const [x, round, expected] of table) {
    it(`${x} (${round ? 'round' : 'ceil'}) → ${expected}`, () => expect(niceNumber(x, round)).toBe(expected));
  }
});

describe('linearTicks', () => {
  it('widens a value axis to round ticks that enclose the data', () => {
    expect(linearTicks(0.1, 2.14, { maxTicks: 7, extend: true })).toEqual({
      domain: [0, 2.5],
      ticks: [0, 0.5, 1, 1.5, 2, 2.5],
      minor: [],
      step: 0.5,
    });
  });

  it('gives ticks free of float noise', () => {
    expect(linearTicks(0, 0.3, { maxTicks: 4, extend: true }).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(linearTicks(0.61, 0.98, { maxTicks: 6, extend: true }).ticks).toEqual([0.6, 0.7, 0.8, 0.9, 1]);
  });

  it('keeps the data range on an epoch axis, with whole-number ticks inside it', () => {
    expect(linearTicks(1, 50, { maxTicks: 8, integer: true })).toMatchObject({
      domain: [1, 50],
      ticks: [10, 20, 30, 40, 50],
    });
    expect(linearTicks(1, 3, { maxTicks: 8, integer: true }).ticks).toEqual([1, 2, 3]);
  });

  it('gives a single value room around it', () => {
    expect(linearTicks(1, 1, { maxTicks: 8, integer: true })).toMatchObject({
      domain: [0, 2],
      ticks: [0, 1, 2],
    });
    const flat = linearTicks(0.5, 0.5, { maxTicks: 5, extend: true });
    expect(flat.domain[0]).toBeLessThan(0.5);
    expect(flat.domain[1]).toBeGreaterThan(0.5);
    expect(linearTicks(0, 0, { maxTicks: 5, extend: true }).domain).toEqual([-1, 1]);
  });

  it('puts every tick inside the domain, ascending', () => {
    for (const [lo, hi] of [
      [-3.7, 12.2],
      [1e-7, 3e-6],
      [999, 1001],
      [-0.02, -0.01],
    ]) {
      const { domain, ticks } = linearTicks(lo, hi, { maxTicks: 6, extend: true });
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(domain[0]).toBeLessThanOrEqual(lo);
      expect(domain[1]).toBeGreaterThanOrEqual(hi);
      ticks.forEach((t, i) => {
        expect(t).toBeGreaterThanOrEqual(domain[0]);
        expect(t).toBeLessThanOrEqual(domain[1]);
        if (i > 0) expect(t).toBeGreaterThan(ticks[i - 1]);
      });
    }
  });
});

describe('logTicks', () => {
  it('puts labelled ticks at powers of ten and minor ticks between', () => {
    const axis = logTicks(0.03, 2.5, 8);
    expect(axis.domain).toEqual([0.01, 10]);
    expect(axis.ticks).toEqual([0.01, 0.1, 1, 10]);
    expect(axis.minor).toHaveLength(3 * 8);
    expect(axis.minor).toContain(0.02);
    expect(axis.minor).toContain(0.9);
    expect(axis.minor).toContain(5);
  });

  it('skips decades evenly over a wide range, without minor ticks', () => {
    const axis = logTicks(1e-8, 1e4, 6);
    expect(axis.ticks).toEqual([1e-8, 1e-5, 1e-2, 10, 1e4]);
    expect(axis.minor).toEqual([]);
  });

  it('spans at least one decade each side of a single power of ten', () => {
    expect(logTicks(1, 1, 6).domain).toEqual([0.1, 10]);
  });

  it('labels 2 × and 5 × each decade over one or two decades, in plain numbers, never a bare digit', () => {
    // A loss falling from 0.9 to 0.25: the whole axis is one decade.
    const axis = logTicks(0.25, 0.9, 6);
    expect(axis.domain).toEqual([0.1, 1]);
    expect(axis.ticks).toEqual([0.1, 0.2, 0.5, 1]);
    expect(axis.minor).not.toContain(0.2);
    expect(axis.minor).toContain(0.3);
    expect(axisLabels(axis, 'log')).toEqual(['0.1', '0.2', '0.5', '1']);
    expect(axisLabels(logTicks(0.03, 2.5, 8), 'log')).toEqual(['10⁻²', '10⁻¹', '10⁰', '10¹']);
  });
});

describe('axis labels', () => {
  it('writes accuracies as percentages with the decimals a narrow range needs', () => {
    // Early in a run every accuracy is about 13 %: five ticks must not all read "13%".
    const narrow = linearTicks(0.1312, 0.1318, { maxTicks: 5, extend: true });
    const labels = axisLabels(narrow, 'linear', true);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('13.12%');
    expect(axisLabels(linearTicks(0.2, 0.9, { maxTicks: 4, extend: true }), 'linear', true)).toEqual([
      '20%',
      '40%',
      '60%',
      '80%',
      '100%',
    ]);
  });
});

describe('tick labels', () => {
  it('writes as many decimals as the step needs, with a true minus sign', () => {
    expect(formatTick(0.5, 0.5)).toBe('0.5');
    expect(formatTick(2, 0.5)).toBe('2.0');
    expect(formatTick(20, 10)).toBe('20');
    expect(formatTick(-1.5, 0.5)).toBe('\u22121.5');
    expect(formatTick(0.30000000000000004, 0.1)).toBe('0.3');
    expect(formatTick(1e-17, 0.1)).toBe('0');
  });

  it('switches to scientific notation for very large or very small values', () => {
    expect(formatTick(2e6, 1e6)).toBe('2e6');
    expect(formatTick(2.5e-5, 5e-6)).toBe('2.5e\u22125');
  });

  it('writes powers of ten with superscript exponents', () => {
    expect(formatPowerOfTen(0.001)).toBe('10⁻³');
    expect(formatPowerOfTen(1)).toBe('10⁰');
    expect(formatPowerOfTen(1e12)).toBe('10¹²');
  });
});
