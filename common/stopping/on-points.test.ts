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
      restoredStep: 20,
    });
    // It stopped in epoch 2. The best is a point inside epoch 1, whose weights were never kept: restoring
    // takes the best epoch end before the stop, epoch 1.
    expect(fired[4]?.stopEpoch).toBe(2);
    expect(fired[4]?.restoredEpoch).toBe(1);
    expect(fired[4]?.reason).toMatch(
      /restores epoch 1 \(step 20\), the best epoch end: models are kept at epoch ends$/,
    );
  });

  it('waits for the first epoch end when the rule fires inside the first epoch, in the analysis and live', () => {
    // Fires at step 15 (patience 2 after the best at step 5), before any model is kept.
    const run = timeline([0.7, 0.8, 0.9, 1.0, 1.1]);
    const fired = run.map((_, i) => stopsAtLastEvaluation(run.slice(0, i + 1), patience2));
    expect(fired.map((f) => f !== null)).toEqual([false, false, false, true, false]);
    expect(fired[3]?.at?.stopStep).toBe(20);
    expect(fired[3]?.reason).toContain(
      'the stop waits for the end of epoch 1, where the first model is kept',
    );
    const analysed = evaluateStoppingOnTimeline(run, patience2);
    expect(analysed.stop?.step).toBe(20);
    expect(analysed.restored?.step).toBe(20);
    // Before the first epoch end the rule has not stopped: training goes on to it.
    expect(evaluateStoppingOnTimeline(run.slice(0, 3), patience2).decision.outcome).toBe('continued');
  });

  it('restores the best epoch end, not a point, when the rule never fires', () => {
    // Best at step 15 (a point); the only epoch end is step 20.
    const run = timeline([1.0, 0.9, 0.7, 0.8]);
    const patience10 = earlyStoppingSchema.parse({ rule: 'patience', monitor: 'valLoss', patience: 10 });
    const { decision, best, restored, result } = evaluateStoppingOnTimeline(run, patience10);
    expect(decision.outcome).toBe('continued');
    expect(best?.step).toBe(15);
    expect(restored?.step).toBe(20);
    expect(result?.step).toBe(20);
  });
});
