import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../common/config/run-config';
import { evaluateStopping } from '../../../common/stopping/evaluate';
import type { StoppingRuleInput } from '../../../common/stopping/rule-schema';
import { loadBuiltinDataset } from '../../datasets/builtins';
import { prepareTrainingData } from '../../datasets/prepare';
import { useBackend } from './test-support/backend';
import { recordRun, withoutTiming, type RecordedRun } from './test-support/config';

beforeAll(() => useBackend('cpu'));

/**
 * Real Iris through the real dataset pipeline, 45 / 45 / 45: an MLP with 64 hidden units and Adam overfits
 * it within 150 epochs (validation loss is lowest around epoch 40, then climbs while training loss falls).
 */
const config = (earlyStopping?: StoppingRuleInput) =>
  runConfigSchema.parse({
    name: 'iris-overfit',
    seed: 1,
    dataset: {
      id: 'iris',
      split: { train: 45, validation: 45, test: 45 },
      shuffleSeed: 7,
      normalization: 'standardize',
    },
    model: { kind: 'mlp', hiddenUnits: [64], activation: 'relu' },
    training: { optimizer: 'adam', learningRate: 0.01, batchSize: 15, epochs: 150, earlyStopping },
  } satisfies RunConfigInput);

const data = () => prepareTrainingData(loadBuiltinDataset('iris'), config().dataset);

describe('live early stopping on real training', () => {
  let twin: RecordedRun;
  beforeAll(async () => {
    twin = await recordRun(config(), data());
  });

  it('the full twin trains every epoch and overfits', () => {
    expect(twin.outcome).toEqual({ status: 'completed', epochs: 150 });
    const valLoss = twin.epochs.map((e) => e.valLoss as number);
    expect(Math.min(...valLoss)).toBeLessThan(0.5 * valLoss[149]);
  });

  it.each<[string, StoppingRuleInput]>([
    ['patience:10', { rule: 'patience', monitor: 'valLoss', patience: 10 }],
    [
      'patience:5 on valAcc with min delta',
      { rule: 'patience', monitor: 'valAcc', patience: 5, minDelta: 0.01 },
    ],
    ['GL5', { rule: 'gl', alpha: 5 }],
    ['GL10 on an EMA', { rule: 'gl', alpha: 10, smoothing: { kind: 'ema', weight: 0.6 } }],
    ['PQ0.5', { rule: 'pq', alpha: 0.5 }],
    ['UP2', { rule: 'up', strips: 2 }],
  ])(
    '%s: the stopped run is its twin cut at the stop, and the analysis of the twin agrees',
    async (_, rule) => {
      const stopped = await recordRun(config(rule), data());
      const analysis = evaluateStopping(twin.epochs, config(rule).training.earlyStopping!);
      expect(analysis.outcome).toBe('stopped');
      const stopEpoch = analysis.stopEpoch!;
      expect(stopEpoch).toBeLessThan(150);
      expect(stopped.outcome).toEqual({
        status: 'completed',
        epochs: stopEpoch,
        earlyStop: {
          rule: analysis.label,
          stopEpoch,
          restoredEpoch: analysis.restoredEpoch,
          reason: analysis.reason,
        },
      });
      expect(withoutTiming(stopped.epochs)).toEqual(withoutTiming(twin.epochs.slice(0, stopEpoch)));
      // …and so does the analysis of the stopped run's own history.
      expect(evaluateStopping(stopped.epochs, config(rule).training.earlyStopping!)).toMatchObject({
        stopEpoch,
        restoredEpoch: analysis.restoredEpoch,
      });
    },
  );

  it('a rule that never fires leaves the run untouched', async () => {
    const run = await recordRun(config({ rule: 'gl', alpha: 100_000 }), data());
    expect(run.outcome).toEqual({ status: 'completed', epochs: 150 });
    expect(withoutTiming(run.epochs)).toEqual(withoutTiming(twin.epochs));
  });
});
