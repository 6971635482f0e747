import { describe, expect, it } from 'vitest';
import { evaluationTimeline, type RunSchedule } from '../../../common/metrics/eval-points';
import { earlyStoppingSchema } from '../../../common/stopping/rule-schema';
import type { EvalPoint } from '../../../common/types';
import { epoch } from '../testing/fixtures';
import {
  analyseRun,
  epochMarkers,
  patienceLayout,
  savedStep,
  stoppingCurveLayout,
} from './early-stopping-data';

const schedule: RunSchedule = { trainExamples: 1000, stepsPerEpoch: 4, evaluateEvery: { steps: 2 } };
/** Validation loss at steps 2, 4 (epoch 1's end), 6, 8 (epoch 2's end). */
const VAL = [1.0, 0.7, 0.6, 0.8];
const epochs = [1, 2].map((n) => epoch(n, { valLoss: VAL[n * 2 - 1] }));
const points: EvalPoint[] = [0, 2].map((i) => ({
  ...epoch(i / 2 + 1, { valLoss: VAL[i] }),
  step: (i + 1) * 2,
  examples: (i + 1) * 500,
  epoch: (i + 1) / 2,
  seconds: 1,
}));
const rule = earlyStoppingSchema.parse({ rule: 'patience', monitor: 'valLoss', patience: 1 });

describe('the early-stopping chart on a run with points', () => {
  it('marks the best and the stop at their evaluations’ fractional epochs, named by step', () => {
    const timeline = evaluationTimeline(schedule, epochs, points);
    const analysis = analyseRun(epochs, rule, undefined, timeline);
    expect(analysis.timeline).toBe(timeline);
    const markers = epochMarkers(analysis).filter((m) => m.key !== 'onset');
    expect(markers.map((m) => [m.key, m.epoch, m.step])).toEqual([
      ['best', 1.5, 6],
      ['stop', 2, 8],
    ]);
    const layout = stoppingCurveLayout('loss', 2, markers);
    expect(layout.shapes?.map((s) => s.x0)).toEqual([1.5, 2]);
    expect(layout.annotations?.map((a) => a.text)).toEqual(['best step 6', 'stop step 8']);
    expect(patienceLayout(analysis.whatIf, true).xaxis?.title).toEqual({ text: 'patience (evaluations)' });
  });

  it('without a timeline the analysis and its markers are the epochs’, as before', () => {
    const analysis = analyseRun(epochs, rule);
    expect(analysis.timeline).toBeNull();
    expect(analysis.outcome).not.toHaveProperty('at');
    const markers = epochMarkers(analysis).filter((m) => m.key !== 'onset');
    expect(markers.map((m) => [m.key, m.epoch, m.step])).toEqual([
      ['best', 1, undefined],
      ['stop', 2, undefined],
    ]);
    expect(stoppingCurveLayout('loss', 2, markers).annotations?.map((a) => a.text)).toEqual([
      'best 1',
      'stop 2',
    ]);
    expect(patienceLayout(analysis.whatIf).xaxis?.title).toEqual({ text: 'patience (epochs)' });
  });
});

describe('the patience chart’s ticks for epochs saved', () => {
  it('are whole epochs per epoch, and halves or quarters where a run with points saves little', () => {
    expect(savedStep(12)).toBe(3);
    expect(savedStep(1.8)).toBe(1);
    expect(savedStep(1.8, true)).toBe(0.5);
    expect(savedStep(0.75, true)).toBe(0.25);
    expect(savedStep(0, true)).toBe(1);
    expect(savedStep(12, true)).toBe(3);
  });
});
