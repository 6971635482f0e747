import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../config/run-config';
import type { EpochMetrics, EvalPoint } from '../types';
import {
  curveRows,
  epochEndIsPoint,
  evaluationPoints,
  evaluationTimeline,
  pointDue,
  progressAfter,
  stepsPerEpoch,
  type EvaluateEvery,
  type RunSchedule,
} from './eval-points';

/** Every point a run of `epochs` epochs evaluates, by walking its steps as the engine does. */
function pointsOf(trainExamples: number, batchSize: number | 'full', epochs: number, every: EvaluateEvery) {
  const found: { step: number; examples: number; epochEnd: boolean }[] = [];
  const steps = stepsPerEpoch(trainExamples, batchSize);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let before = progressAfter(trainExamples, batchSize, epoch, -1);
    for (let index = 0; index < steps; index++) {
      const after = progressAfter(trainExamples, batchSize, epoch, index);
      if (pointDue(every, before, after)) found.push({ ...after, epochEnd: index === steps - 1 });
      before = after;
    }
  }
  return found;
}

function epoch(n: number, seconds = 2): EpochMetrics {
  return {
    epoch: n,
    trainLoss: 1 / n,
    trainAcc: 0.5,
    valLoss: 1.1 / n,
    valAcc: 0.5,
    testLoss: null,
    testAcc: null,
    lr: 0.1,
    seconds,
  };
}

function point(step: number, examples: number, trainExamples: number, seconds: number): EvalPoint {
  return { ...epoch(1), step, examples, epoch: examples / trainExamples, seconds };
}

describe('evaluation points', () => {
  it('counts steps and examples with a short last batch', () => {
    expect(stepsPerEpoch(1000, 300)).toBe(4);
    expect(stepsPerEpoch(1000, 'full')).toBe(1);
    expect(progressAfter(1000, 300, 1, 3)).toEqual({ step: 4, examples: 1000 });
    expect(progressAfter(1000, 300, 2, 0)).toEqual({ step: 5, examples: 1300 });
    expect(progressAfter(1000, 300, 2, -1)).toEqual({ step: 4, examples: 1000 });
  });

  it('evaluates at the first step whose examples reach a multiple of N', () => {
    const found = pointsOf(1000, 100, 2, { examples: 250 });
    expect(found.map((p) => p.examples)).toEqual([300, 500, 800, 1000, 1300, 1500, 1800, 2000]);
    expect(found.filter((p) => p.epochEnd).map((p) => p.step)).toEqual([10, 20]);
  });

  it('evaluates every N steps, across epoch boundaries', () => {
    const found = pointsOf(1000, 300, 3, { steps: 5 });
    expect(found.map((p) => p.step)).toEqual([5, 10]);
    const schedule: RunSchedule = { trainExamples: 1000, stepsPerEpoch: 4, evaluateEvery: { steps: 5 } };
    expect([1, 2, 3].map((e) => epochEndIsPoint(schedule, 300, e))).toEqual([false, false, false]);
    expect(epochEndIsPoint({ ...schedule, evaluateEvery: { steps: 4 } }, 300, 2)).toBe(true);
  });

  it('refuses an evaluateEvery that is not a positive count of one unit', () => {
    const base = {
      name: 'r',
      seed: 1,
      dataset: { id: 'mnist', split: { train: 100 } },
      model: { kind: 'mlp', hiddenUnits: [8], activation: 'relu', init: 'he' },
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 10, epochs: 1 },
    };
    expect(runConfigSchema.safeParse(base).success).toBe(true);
    for (const bad of [{ steps: 0 }, { examples: 2.5 }, { examples: 5, steps: 3 }, { every: 3 }, 100]) {
      const result = runConfigSchema.safeParse({
        ...base,
        training: { ...base.training, evaluateEvery: bad },
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].path.join('.')).toMatch(/^training\.evaluateEvery/);
    }
  });

  it('puts points between epoch ends with the time elapsed since training began', () => {
    const schedule: RunSchedule = {
      trainExamples: 1000,
      stepsPerEpoch: 10,
      evaluateEvery: { examples: 500 },
    };
    const epochs = [epoch(1, 2), epoch(2, 3)];
    const points = [point(5, 500, 1000, 0.8), point(15, 1500, 1000, 1.1)];
    const timeline = evaluationTimeline(schedule, epochs, points);
    expect(timeline.map((e) => [e.step, e.epoch, e.epochEnd, e.elapsed])).toEqual([
      [5, 0.5, false, 0.8],
      [10, 1, true, 2],
      [15, 1.5, false, 3.1],
      [20, 2, true, 5],
    ]);
    expect(evaluationPoints(schedule, 100, epochs, points).map((p) => p.step)).toEqual([5, 10, 15, 20]);
    expect(curveRows('examples', schedule, epochs, points).map((r) => r.epoch)).toEqual([
      500, 1000, 1500, 2000,
    ]);
    expect(curveRows('time', schedule, epochs, points).map((r) => r.epoch)).toEqual([0.8, 2, 3.1, 5]);
    expect(curveRows('epoch', schedule, epochs, []).map((r) => r.epoch)).toEqual([1, 2]);
  });

  it('has no step axis for a run recorded before schedules, and keeps its epoch and time axes', () => {
    const epochs = [epoch(1, 2), epoch(2, 3)];
    expect(curveRows('step', null, epochs)).toEqual([]);
    expect(curveRows('time', null, epochs).map((r) => r.epoch)).toEqual([2, 5]);
  });
});
