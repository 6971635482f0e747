import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../../common/config/run-config';
import type { EpochMetrics } from '../../../../common/types';
import type { TrainCallbacks, TrainingData, TrainOutcome, TrainStart } from '../../types';
import { trainRun } from '../train-run';

type Overrides = Partial<Omit<RunConfigInput, 'training' | 'model'>> & {
  model?: RunConfigInput['model'];
  training?: Partial<RunConfigInput['training']>;
};

/** A parsed RunConfig with test defaults (small MLP, SGD), overridable field by field. */
export function testConfig(overrides: Overrides = {}): RunConfig {
  const { training, model, ...rest } = overrides;
  const batchSize = training?.optimizer === 'gd' ? 'full' : 16;
  return runConfigSchema.parse({
    name: 'test run',
    seed: 1,
    dataset: { id: 'test', split: { train: 1 } },
    model: model ?? { kind: 'mlp', hiddenUnits: [8] },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize, epochs: 3, ...training },
    ...rest,
  });
}

/** E7's network (4 → 16 softplus → 3, weights N(0, 1)) with full-batch GD at α = 0.01, for gradient checks. */
export function e7GradcheckConfig(): RunConfig {
  return testConfig({
    model: {
      kind: 'mlp',
      hiddenUnits: [16],
      activation: 'softplus',
      init: { kind: 'normal', mean: 0, std: 1 },
    },
    training: { optimizer: 'gd', learningRate: 0.01, epochs: 1 },
  });
}

export interface RecordedRun {
  outcome: TrainOutcome;
  epochs: EpochMetrics[];
}

/** Runs trainRun and records every epoch; `callbacks` may add shouldStop/onEpoch hooks. */
export async function recordRun(
  config: RunConfig,
  data: TrainingData,
  callbacks: Partial<TrainCallbacks> = {},
  start?: TrainStart,
): Promise<RecordedRun> {
  const epochs: EpochMetrics[] = [];
  const outcome = await trainRun(
    config,
    data,
    {
      shouldStop: callbacks.shouldStop ?? (() => false),
      onBatch: callbacks.onBatch,
      onEpoch: (m, state, layers) => {
        epochs.push(m);
        callbacks.onEpoch?.(m, state, layers);
      },
    },
    start,
  );
  return { outcome, epochs };
}

/** Metrics without the wall-clock field, for exact comparisons between runs. */
export function withoutTiming(epochs: readonly EpochMetrics[]): Omit<EpochMetrics, 'seconds'>[] {
  return epochs.map(({ seconds: _seconds, ...rest }) => rest);
}
