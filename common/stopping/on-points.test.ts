import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../types';
import { evaluateStoppingOnTimeline, stopsAtLastEvaluation } from './on-points';
import type { StoppingRule } from './rule-schema';
import { earlyStoppingSchema } from './rule-schema';

/** Evaluations every 250 of 1000 examples, validation loss as given. */
function timeline(valLosses: number[]): (EvalPoint & { epochEnd: boolean })[] {
  return valLosses.map((valLoss, i) => {
    const examples = (i + 1) * 250;
    return {
      step: (i + 1) * 5,
      examples,
      epoch: examples / 1000,
      trainLoss: 1,
      trainAcc: 0.5,
      valLoss,
      valAcc: 0.5,
      testLoss: null,
      testAcc: null,
      lr: 0.1,
      seconds: 1,
      epochEnd: examples % 1000 === 0,
    };
  });
}

const patience2: StoppingRule = earlyStoppingSchema.parse({
  rule: 'patience',
  monitor: 'valLoss',
  patience: 2,
});

describe('stopping on evaluation points', () => {
  it('counts patience in evaluations and names the stop and the best by step and epoch', () => {
    const run = timeline([1.0, 0.8, 0.7, 0.75, 0.72, 0.9]);
    const { decision, stop, best } = evaluateStoppingOnTimeline(run, patience2);
    expect(decision.outcome).toBe('stopped');
    expect(stop?.step).toBe(25);
    expect(stop?.epoch).toBe(1.25);
    expect(best?.step).toBe(15);
    expect(decision.reason).toContain('step 15 (epoch 0.75)');
    expect(decision.reason).toContain('stopped after step 25 (epoch 1.25)');
    expect(decision.reason).not.toMatch(/epoch 3\b|epoch 5\b/);
  });

  it('fires live at the evaluation where the analysis of the whole history stops, and only there', () => {
    const run = timeline([1.0, 0.8, 0.7, 0.75, 0.72, 0.9]);
    const fired = run.map((_, i) => stopsAtLastEvaluation(run.slice(0, i + 1), patience2));
    expect(fired.map((f) => f !== null)).toEqual([false, false, false, false, true, false]);
    expect(fired[4]?.at).toEqual({
      stopStep: 25,
      stopEpoch: 1.25,
      bestStep: 15,
      bestEpoch: 0.75,
      restoredStep: 15,
    });
    // It stopped in epoch 2; the best is a point inside epoch 1, so no epoch row is restored.
    expect(fired[4]?.stopEpoch).toBe(2);
    expect(fired[4]?.restoredEpoch).toBeNull();
  });
});
