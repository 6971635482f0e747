import { describe, expect, it } from 'vitest';
import type { RunSchedule } from '../metrics/eval-points';
import type { EpochMetrics, EvalPoint } from '../types';
import { stopsAtLastEvaluation } from './on-points';
import { earlyStoppingSchema } from './rule-schema';
import {
  bestEvaluation,
  countsText,
  evaluateEveryText,
  formatEpochs,
  placeText,
  stoppingTimeline,
  timelineOutcome,
  whatIfOnTimeline,
} from './timeline-outcome';

/** 1000 training examples, batches of 100, evaluated every 250 examples (after steps 3, 5, 8 and 10). */
const schedule: RunSchedule = { trainExamples: 1000, stepsPerEpoch: 10, evaluateEvery: { examples: 250 } };

/** Validation loss of the evaluations in order: per epoch three points, then its end. */
const VAL = [1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0];
const TEST_ACC = [0.5, 0.6, 0.7, 0.65, 0.72, 0.6, 0.55, 0.5];
const STEPS = [3, 5, 8, 10, 13, 15, 18, 20];

function metrics(i: number) {
  return {
    trainLoss: 1 / (i + 1),
    trainAcc: 0.5,
    valLoss: VAL[i],
    valAcc: 0.5,
    testLoss: 1 - TEST_ACC[i],
    testAcc: TEST_ACC[i],
    lr: 0.1,
  };
}

const epochs: EpochMetrics[] = [3, 7].map((i, e) => ({ epoch: e + 1, ...metrics(i), seconds: 4 }));
const points: EvalPoint[] = [0, 1, 2, 4, 5, 6].map((i) => ({
  step: STEPS[i],
  examples: (i + 1) * 250,
  epoch: ((i + 1) * 250) / 1000,
  ...metrics(i),
  // One second per quarter of an epoch.
  seconds: ((i % 4) + 1) * 1,
}));

const patience = (n: number) =>
  earlyStoppingSchema.parse({ rule: 'patience', monitor: 'valLoss', patience: n });

describe('the stopping timeline', () => {
  it('is the evaluations in step order for a run with points, and null for one without', () => {
    const timeline = stoppingTimeline(schedule, epochs, points)!;
    expect(timeline.map((e) => e.step)).toEqual(STEPS);
    expect(timeline.map((e) => e.epochEnd)).toEqual([false, false, false, true, false, false, false, true]);
    expect(stoppingTimeline(schedule, epochs, [])).toBeNull();
    expect(stoppingTimeline({ ...schedule, evaluateEvery: null }, epochs, points)).toBeNull();
    expect(stoppingTimeline(null, epochs, points)).toBeNull();
  });
});

describe('the stopping outcome on a timeline', () => {
  const timeline = stoppingTimeline(schedule, epochs, points)!;

  it('counts patience in evaluations and gives the stop, best and kept evaluation by step and epoch', () => {
    const outcome = timelineOutcome(timeline, patience(2));
    expect(outcome.outcome).toBe('stopped');
    // Best at the third evaluation (0.70); the fourth and fifth are no better: stops at the fifth.
    expect(outcome.at.stop?.step).toBe(13);
    expect(outcome.at.best?.step).toBe(8);
    // Restoring takes the best epoch end before the stop (models are kept at epoch ends), not the point.
    expect(outcome.at.restored?.step).toBe(10);
    expect(outcome.at.result?.step).toBe(10);
    // Epoch fields are the evaluations' fractional epochs, not the ordinals the rule counted.
    expect(outcome.stopEpoch).toBe(1.25);
    expect(outcome.bestEpoch).toBe(0.75);
    expect(outcome.restoredEpoch).toBe(1);
    expect(outcome.resultEpoch).toBe(1);
    expect(outcome.lastEpoch).toBe(2);
    expect(outcome.lastStep).toBe(20);
    expect(outcome.result).toEqual({
      epoch: 1,
      valLoss: 0.75,
      valAcc: 0.5,
      testLoss: 1 - 0.65,
      testAcc: 0.65,
    });
    expect(outcome.reason).toContain('step 8 (epoch 0.75)');
    expect(outcome.reason).toContain('step 13 (epoch 1.25)');
  });

  it('measures what stopping saves in fractional epochs, evaluations and seconds, and costs over all', () => {
    const outcome = timelineOutcome(timeline, patience(2));
    expect(outcome.epochsSaved).toBeCloseTo(0.75, 10);
    expect(outcome.evaluationsSaved).toBe(3);
    // Epoch 1 took 4 s; the stop is 1 s into epoch 2, the end 4 s into it.
    expect(outcome.secondsSaved).toBeCloseTo(3, 10);
    // The best test accuracy of the run is 0.72 (step 13), the one kept (epoch 1) 0.65; training on ends at 0.50.
    expect(outcome.testAccRegret).toBeCloseTo(0.07, 10);
    expect(outcome.testAccLost).toBeCloseTo(-0.15, 10);
    expect(outcome.testLossRegret).toBeCloseTo(0.07, 10);
  });

  it('never stops when the rule does not fire: nothing saved, the last evaluation kept without restore', () => {
    const rule = earlyStoppingSchema.parse({
      rule: 'patience',
      monitor: 'valLoss',
      patience: 10,
      restoreBest: false,
    });
    const outcome = timelineOutcome(timeline, rule);
    expect(outcome.outcome).toBe('continued');
    expect(outcome.stopEpoch).toBeNull();
    expect(outcome.at.stop).toBeNull();
    expect(outcome.at.result?.step).toBe(20);
    expect(outcome.resultEpoch).toBe(2);
    expect(outcome.epochsSaved).toBe(0);
    expect(outcome.evaluationsSaved).toBe(0);
    expect(outcome.secondsSaved).toBe(0);
  });

  it('agrees with live stopping on the evaluations up to where it stopped', () => {
    const live = timeline.map((_, i) => stopsAtLastEvaluation(timeline.slice(0, i + 1), patience(2)));
    const fired = live.findIndex((r) => r !== null);
    const record = live[fired]!;
    const analysed = timelineOutcome(timeline.slice(0, fired + 1), patience(2));
    expect(analysed.at.stop?.step).toBe(record.at?.stopStep);
    expect(analysed.stopEpoch).toBe(record.at?.stopEpoch);
    expect(analysed.at.best?.step).toBe(record.at?.bestStep);
    expect(analysed.bestEpoch).toBe(record.at?.bestEpoch);
    expect(analysed.at.restored?.step).toBe(record.at?.restoredStep);
    expect(analysed.reason).toBe(record.reason);
    // And the whole run's best of the monitored metric is that same evaluation.
    expect(bestEvaluation(timeline.slice(0, fired + 1), 'valLoss')?.evaluation.step).toBe(
      record.at?.bestStep,
    );
  });

  it('replays the what-if rules on the evaluations, patience capped by their number', () => {
    const rows = whatIfOnTimeline(timeline, {
      monitor: 'valLoss',
      smoothing: { kind: 'none' },
      startFromEpoch: 0,
      restoreBest: true,
    });
    const patienceRows = rows.filter((r) => r.rule.rule === 'patience');
    expect(patienceRows.map((r) => r.spec)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `patience:${n}`));
    const two = rows.find((r) => r.spec === 'patience:2')!;
    const { rule: _rule, ...outcome } = two;
    expect(outcome).toEqual(timelineOutcome(timeline, patience(2)));
    expect(rows.find((r) => r.spec === 'patience:1')?.at.stop?.step).toBe(10);
  });
});

describe('the words for a timeline', () => {
  it('names the evaluations, what they count and fractional epochs', () => {
    const timeline = stoppingTimeline(schedule, epochs, points)!;
    expect(placeText(timeline[2])).toBe('step 8 (epoch 0.75)');
    expect(placeText(timeline[3])).toBe('step 10 (epoch 1)');
    expect(placeText(null)).toBe('–');
    expect(placeText(undefined, 'never')).toBe('never');
    expect(evaluateEveryText({ examples: 250 })).toBe('every 250 examples');
    expect(evaluateEveryText({ steps: 1 })).toBe('every 1 step');
    expect(countsText(timeline, schedule)).toBe(
      'patience counts evaluations, not epochs: this run evaluates every 250 examples (6 points inside epochs and 2 epoch ends)',
    );
    expect(formatEpochs(0.7500000000001)).toBe('0.75');
    expect(formatEpochs(2)).toBe('2');
    expect(formatEpochs(1 / 3)).toBe('0.33');
  });
});
