import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import type { EpochMetrics } from '../types';
import { evaluateStopping, stopsAfter } from './evaluate';
import { earlyStoppingSchema, type StoppingRuleInput } from './rule-schema';
import { history } from './test-histories';

const rule = (input: StoppingRuleInput) => earlyStoppingSchema.parse(input);
const decide = (h: EpochMetrics[], input: StoppingRuleInput) => evaluateStopping(h, rule(input));

interface Row {
  name: string;
  h: EpochMetrics[];
  rule: StoppingRuleInput;
  stop: number | null;
  restored: number | null;
  reason: RegExp;
}

describe('patience (Keras semantics)', () => {
  const table: Row[] = [
    {
      name: 'stops patience epochs after the best, restores the best',
      h: history({ valLoss: [1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.75] }),
      rule: { rule: 'patience', patience: 3 },
      stop: 6,
      restored: 3,
      reason: /did not improve on 0\.7 \(epoch 3\) for 3 epochs \(patience 3\): stopped after epoch 6/,
    },
    {
      name: 'a tie is no improvement: the earlier epoch stays best',
      h: history({ valLoss: [1, 0.5, 0.5, 0.5, 0.5] }),
      rule: { rule: 'patience', patience: 2 },
      stop: 4,
      restored: 2,
      reason: /for 2 epochs/,
    },
    {
      name: 'patience 0 stops at the first epoch that does not improve (a plateau)',
      h: history({ valLoss: [1, 1, 1] }),
      rule: { rule: 'patience', patience: 0 },
      stop: 2,
      restored: 1,
      reason: /patience 0/,
    },
    {
      name: 'absolute minDelta: smaller gains do not count',
      h: history({ valLoss: [1.0, 0.95, 0.91, 0.88, 0.87] }),
      rule: { rule: 'patience', patience: 2, minDelta: 0.05 },
      stop: 5,
      restored: 3,
      reason: /min delta 0\.05/,
    },
    {
      name: 'relative minDelta: 10 % of the best',
      h: history({ valLoss: [1.0, 0.95, 0.89, 0.85, 0.8] }),
      rule: { rule: 'patience', patience: 2, minDelta: 0.1, minDeltaMode: 'relative' },
      stop: null,
      restored: 5,
      reason: /never ran out in 5 epochs \(validation loss last improved at epoch 5/,
    },
    {
      name: 'baseline never reached: stops once patience is spent, counting from the start',
      h: history({ valLoss: [1.0, 0.9, 0.8, 0.8, 0.79] }),
      rule: { rule: 'patience', patience: 3, baseline: 0.4 },
      stop: 4,
      restored: 3,
      reason: /did not beat the baseline 0\.4 within 4 monitored epochs/,
    },
    {
      name: 'baseline reached: patience counts from the best again',
      h: history({ valLoss: [0.5, 0.3, 0.35, 0.36, 0.2] }),
      rule: { rule: 'patience', patience: 2, baseline: 0.4 },
      stop: 4,
      restored: 2,
      reason: /did not improve on 0\.3 \(epoch 2\)/,
    },
    {
      name: 'an accuracy is maximised (mode auto → max)',
      h: history({ valAcc: [0.5, 0.7, 0.69, 0.7, 0.65] }),
      rule: { rule: 'patience', monitor: 'valAcc', patience: 3 },
      stop: 5,
      restored: 2,
      reason: /validation accuracy did not improve on 70\.00 %/,
    },
    {
      name: 'startFromEpoch: the warm-up epochs are not monitored',
      h: history({ valLoss: [0.1, 0.2, 1.0, 0.9, 0.95, 0.96] }),
      rule: { rule: 'patience', patience: 2, startFromEpoch: 2 },
      stop: 6,
      restored: 4,
      reason: /epoch 4/,
    },
    {
      name: 'restoreBest false keeps the stop epoch',
      h: history({ valLoss: [1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.75] }),
      rule: { rule: 'patience', patience: 3, restoreBest: false },
      stop: 6,
      restored: null,
      reason: /stopped after epoch 6$/,
    },
    {
      name: 'smoothing: a moving average of 3 rides out noise that stops the raw rule',
      h: history({ valLoss: [1.0, 0.8, 0.85, 0.83, 0.7, 0.6] }),
      rule: { rule: 'patience', patience: 2, smoothing: { kind: 'moving-average', window: 3 } },
      stop: null,
      restored: 6,
      reason: /never ran out/,
    },
    {
      name: '… which the same rule without smoothing does not',
      h: history({ valLoss: [1.0, 0.8, 0.85, 0.83, 0.7, 0.6] }),
      rule: { rule: 'patience', patience: 2 },
      stop: 4,
      restored: 2,
      reason: /stopped after epoch 4/,
    },
    {
      name: 'EMA smoothing decides on the debiased average',
      h: history({ valLoss: [1.0, 0.8, 0.85, 0.83, 0.7, 0.6] }),
      rule: { rule: 'patience', patience: 2, smoothing: { kind: 'ema', weight: 0.6 } },
      stop: null,
      restored: 6,
      reason: /never ran out/,
    },
  ];
  it.each(table)('$name', ({ h, rule: r, stop, restored, reason }) => {
    const d = decide(h, r);
    expect(d.stopEpoch).toBe(stop);
    expect(d.restoredEpoch).toBe(restored);
    expect(d.outcome).toBe(stop === null ? 'continued' : 'stopped');
    expect(d.reason).toMatch(reason);
    expect(d.resultEpoch).toBe(restored ?? stop ?? h.length);
  });
});

describe("Prechelt's GL, PQ and UP", () => {
  // Training loss falls fast, then slowly; validation loss is lowest at epoch 5 and rises after it.
  const trainLoss = [1, 0.8, 0.6, 0.5, 0.45, 0.44, 0.435, 0.43, 0.428, 0.427];
  const valLoss = [1, 0.9, 0.8, 0.75, 0.7, 0.72, 0.74, 0.75, 0.76, 0.77];
  // Strip ends (k = 5) at 5, 10, 15, 20: 0.7, 0.65, 0.68, 0.72; the epochs between move the other way.
  const up = [0.9, 0.8, 0.75, 0.72, 0.7, 0.74, 0.6, 0.62, 0.7, 0.65, 0.6, 0.55, 0.66, 0.64, 0.68];
  const upLonger = [...up, 0.6, 0.7, 0.71, 0.69, 0.72];
  const table: Row[] = [
    {
      name: 'GL5 stops at the first GL(t) > 5 %',
      h: history({ valLoss: [1.0, 0.8, 0.82, 0.85, 0.9] }),
      rule: { rule: 'gl', alpha: 5 },
      stop: 4,
      restored: 2,
      reason: /GL\(4\) = 6\.25 % > α = 5 % \(validation loss 0\.85 vs 0\.8 at epoch 2\)/,
    },
    {
      name: 'GL20 never fires on the same history',
      h: history({ valLoss: [1.0, 0.8, 0.82, 0.85, 0.9] }),
      rule: { rule: 'gl', alpha: 20 },
      stop: null,
      restored: 2,
      reason: /GL never exceeded α = 20 % in 5 epochs \(highest 12\.5 %\)/,
    },
    {
      name: 'GL on an accuracy uses the error rate 1 − accuracy',
      h: history({ valAcc: [0.8, 0.9, 0.89, 0.85] }),
      rule: { rule: 'gl', monitor: 'valAcc', alpha: 20 },
      stop: 4,
      restored: 2,
      reason: /validation error \(1 − accuracy\) 0\.15 vs 0\.1/,
    },
    {
      name: 'GL after a perfect score (E_opt = 0) is infinite',
      h: history({ valAcc: [0.9, 1.0, 0.99] }),
      rule: { rule: 'gl', monitor: 'valAcc', alpha: 100 },
      stop: 3,
      restored: 2,
      reason: /GL\(3\) = Infinity %/,
    },
    {
      name: 'GL5 on the strip history stops at epoch 7 (it looks at every epoch)',
      h: history({ trainLoss, valLoss }),
      rule: { rule: 'gl', alpha: 5 },
      stop: 7,
      restored: 5,
      reason: /GL\(7\)/,
    },
    {
      name: 'PQ0.5 only decides at strip ends: GL(10) / P5(10) = 10 / 11.71',
      h: history({ trainLoss, valLoss }),
      rule: { rule: 'pq', alpha: 0.5 },
      stop: 10,
      restored: 5,
      reason: /GL\(10\) \/ P5\(10\) = 10 \/ 11\.71 = 0\.85\d* > α = 0\.5/,
    },
    {
      name: 'PQ1 does not fire there',
      h: history({ trainLoss, valLoss }),
      rule: { rule: 'pq', alpha: 1 },
      stop: null,
      restored: 5,
      reason: /PQ never exceeded α = 1 .* \(highest 0\.85\d*\)/,
    },
    {
      name: 'UP1 stops at the first strip end above the previous one',
      h: history({ valLoss: up }),
      rule: { rule: 'up', strips: 1 },
      stop: 15,
      restored: 12,
      reason: /rose at the end of 1 successive strip of 5 epochs \(epochs 10 → 15\)/,
    },
    {
      name: 'UP2 needs two rises in a row',
      h: history({ valLoss: upLonger }),
      rule: { rule: 'up', strips: 2 },
      stop: 20,
      restored: 12,
      reason: /epochs 10 → 15 → 20/,
    },
    {
      name: 'UP3 never fires with only two',
      h: history({ valLoss: upLonger }),
      rule: { rule: 'up', strips: 3 },
      stop: null,
      restored: 12,
      reason: /never rose at the end of 3 successive strips/,
    },
    {
      name: 'a fall between rises starts the count again',
      h: history({
        valLoss: [
          ...Array(4).fill(1),
          0.7,
          ...Array(4).fill(1),
          0.72,
          ...Array(4).fill(1),
          0.69,
          ...Array(4).fill(1),
          0.71,
        ],
      }),
      rule: { rule: 'up', strips: 2 },
      stop: null,
      restored: 15,
      reason: /never rose/,
    },
    {
      name: 'strips of 4 counted from startFromEpoch 2: strip ends 6, 10, 14',
      h: history({ valLoss: [5, 5, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.65, 0.3, 0.3, 0.3, 0.66] }),
      rule: { rule: 'up', strips: 2, stripLength: 4, startFromEpoch: 2 },
      stop: 14,
      restored: 9,
      reason: /epochs 6 → 10 → 14/,
    },
  ];
  it.each(table)('$name', ({ h, rule: r, stop, restored, reason }) => {
    const d = decide(h, r);
    expect(d.stopEpoch).toBe(stop);
    expect(d.restoredEpoch).toBe(restored);
    expect(d.reason).toMatch(reason);
  });
});

describe('histories a rule cannot read', () => {
  it.each([
    ['patience', { rule: 'patience', patience: 5 }],
    ['gl', { rule: 'gl' }],
    ['pq', { rule: 'pq' }],
    ['up', { rule: 'up' }],
  ] as const)('%s: a NaN validation loss stops at that epoch and keeps the best before it', (_, r) => {
    const d = decide(history({ valLoss: [1, 0.9, NaN, 0.8] }), r);
    expect(d).toMatchObject({ outcome: 'stopped', stopEpoch: 3, restoredEpoch: 2 });
    expect(d.reason).toMatch(/^validation loss is NaN at epoch 3: stopped there; restores epoch 2$/);
  });

  it('an infinite loss likewise, even as the first epoch', () => {
    const d = decide(history({ valLoss: [Infinity, 0.9] }), { rule: 'patience', patience: 5 });
    expect(d).toMatchObject({ outcome: 'stopped', stopEpoch: 1, restoredEpoch: null, resultEpoch: 1 });
    expect(d.reason).toMatch(/is Infinity at epoch 1/);
  });

  it('a rule that fires before the NaN stops where it fired', () => {
    const d = decide(history({ valLoss: [1, 0.9, 0.95, 0.96, NaN] }), { rule: 'patience', patience: 2 });
    expect(d.stopEpoch).toBe(4);
  });

  it('no validation split: unavailable, with the reason, never a crash', () => {
    for (const r of [{ rule: 'patience' }, { rule: 'gl' }, { rule: 'pq' }, { rule: 'up' }] as const) {
      const d = decide(history({ testLoss: [1, 0.5, 0.7] }), r);
      expect(d).toMatchObject({
        outcome: 'unavailable',
        stopEpoch: null,
        restoredEpoch: null,
        resultEpoch: 3,
      });
      expect(d.reason).toBe(
        'validation loss was never logged (the run has no validation split): the rule cannot decide',
      );
    }
  });

  it('no epochs yet: unavailable', () => {
    const d = decide([], { rule: 'gl' });
    expect(d).toMatchObject({ outcome: 'unavailable', lastEpoch: null, resultEpoch: null });
    expect(d.reason).toMatch(/no epoch has been logged yet/);
  });

  it('all epochs inside the warm-up: continued, waiting', () => {
    const d = decide(history({ valLoss: [1, 2, 3] }), { rule: 'patience', startFromEpoch: 5 });
    expect(d).toMatchObject({ outcome: 'continued', stopEpoch: null, restoredEpoch: null, resultEpoch: 3 });
    expect(d.reason).toMatch(/monitoring starts after epoch 5/);
  });

  it('epochs given out of order are read in order', () => {
    const h = history({ valLoss: [1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.75] });
    const d = decide([...h].reverse(), { rule: 'patience', patience: 3 });
    expect(d.stopEpoch).toBe(6);
  });
});

describe('live stopping agrees with the analysis by construction', () => {
  const rules: StoppingRuleInput[] = [
    { rule: 'patience', patience: 3 },
    { rule: 'patience', patience: 2, minDelta: 0.01, baseline: 0.5 },
    { rule: 'patience', patience: 4, smoothing: { kind: 'ema', weight: 0.7 }, startFromEpoch: 3 },
    { rule: 'gl', alpha: 3 },
    { rule: 'pq', alpha: 0.3, stripLength: 3 },
    { rule: 'up', strips: 2, stripLength: 3 },
    { rule: 'patience', monitor: 'valAcc', patience: 3 },
  ];
  it('on random noisy U-shaped histories, the growing history fires exactly once, at the full analysis stop', () => {
    const rng = createRng(5);
    const outcomes = new Map(rules.map((_, i) => [i, new Set<string>()]));
    for (let trial = 0; trial < 60; trial += 1) {
      const n = 10 + Math.floor(rng() * 40);
      const turn = 3 + Math.floor(rng() * n);
      const valLoss = Array.from({ length: n }, (_, i) => 0.5 + ((i - turn) / n) ** 2 + 0.05 * rng());
      const valAcc = valLoss.map((v) => 1 - v / 2);
      const h = history({ valLoss, valAcc, trainLoss: valLoss.map((_, i) => 1 / (i + 1)) });
      for (const [index, input] of rules.entries()) {
        const r = rule(input);
        const full = evaluateStopping(h, r);
        outcomes.get(index)?.add(full.outcome);
        const fired = h.flatMap((e, i) => (stopsAfter(h.slice(0, i + 1), r, e.epoch) ? [e.epoch] : []));
        const firstFire = fired[0] ?? null;
        expect(firstFire).toBe(full.stopEpoch);
        if (firstFire !== null) {
          const live = evaluateStopping(h.slice(0, firstFire), r);
          expect(live.restoredEpoch).toBe(full.restoredEpoch);
          expect(live.reason).toBe(full.reason);
        }
      }
    }
    // Every rule both fired and ran to the end on some of these histories: both paths were checked.
    for (const seen of outcomes.values()) expect([...seen].sort()).toEqual(['continued', 'stopped']);
  });
});
