import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../common/config/run-config';
import { deriveSeed } from '../../../common/random';
import { stopsAfter } from '../../../common/stopping/evaluate';
import { stopsAtLastEvaluation, type TimelineEntry } from '../../../common/stopping/on-points';
import { pointDue, progressAfter, type Progress } from '../../../common/metrics/eval-points';
import type { EpochMetrics, EvalPoint } from '../../../common/types';
import { LayerWatch } from '../inspect/layer-watch';
import { buildModel } from '../model/build-model';
import { SEED_STREAMS } from '../model/seed-streams';
import type { BatchStatistics, Model } from '../model/types';
import { createOptimizer } from '../optim/create-optimizer';
import { learningRateAt } from '../optim/lr-schedule';
import type { EvaluateGradient, Optimizer } from '../optim/types';
import type { TrainCallbacks, TrainingData, TrainOptions, TrainOutcome, TrainStart } from '../types';
import { createBatchSource, type BatchSource } from './batch-source';
import { validateSplit } from './batches';
import { chunkSizes } from './chunk-sizes';
import { evaluateSplit } from './evaluate';
import { LossWatch } from './loss-watch';
import { captureTrainingState, restoreOptimizer, restoreWeights } from './training-state';
import type { ObjectiveSettings } from './objective';
import { batchGradient } from './train-step';
import { yieldToEventLoop } from './yield';

function validateData(data: TrainingData, model: Model): void {
  const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
  if (data.train.count === 0) throw new Error('the training split is empty');
  validateSplit('train', data.train, rowSize, data.classes);
  validateSplit('validation', data.validation, rowSize, data.classes);
  validateSplit('test', data.test, rowSize, data.classes);
}

/** One training step on batch `index` of `epoch`; returns the objective's value (a kept scalar). */
function trainBatch(
  model: Model,
  optimizer: Optimizer,
  source: BatchSource,
  order: Int32Array | null,
  index: number,
  context: {
    epoch: number;
    learningRate: number;
    seed: number;
    settings: ObjectiveSettings;
    tap?: (evaluate: EvaluateGradient) => EvaluateGradient;
  },
): tf.Scalar {
  const batch = source.batch(order, index);
  const statistics: BatchStatistics[] = [];
  try {
    const dropoutSeed = deriveSeed(context.seed, SEED_STREAMS.dropout, context.epoch, index);
    const evaluate = batchGradient(
      model,
      { chunks: batch.chunks, batchRows: batch.rows, dropoutSeed },
      context.settings,
      statistics,
    );
    const loss = optimizer.step(context.tap ? context.tap(evaluate) : evaluate, context.learningRate);
    if (statistics.length > 0) model.applyBatchStatistics(statistics);
    return loss;
  } finally {
    tf.dispose(statistics.flatMap((s) => [s.mean, s.variance]));
    source.release(batch);
  }
}

/** The three sets evaluated in eval mode, as an epoch's end and every point report them. */
function evaluateSets(
  model: Model,
  data: TrainingData,
  evalRows: number,
): Omit<EpochMetrics, 'epoch' | 'lr' | 'seconds'> | { diverged: number } {
  const train = evaluateSplit(model, data.train, evalRows);
  // validateData guarantees a non-empty training split.
  if (train === null || !Number.isFinite(train.loss)) return { diverged: train?.loss ?? NaN };
  const validation = evaluateSplit(model, data.validation, evalRows);
  const test = evaluateSplit(model, data.test, evalRows);
  return {
    trainLoss: train.loss,
    trainAcc: train.accuracy,
    valLoss: validation?.loss ?? null,
    valAcc: validation?.accuracy ?? null,
    testLoss: test?.loss ?? null,
    testAcc: test?.accuracy ?? null,
  };
}

/** Epochs before `epoch` were reported; `epoch` itself produced a non-finite loss and is not. */
function diverged(value: number, epoch: number): TrainOutcome {
  return {
    status: 'diverged',
    epochs: epoch - 1,
    divergedAtEpoch: epoch,
    message: `training loss became ${String(value)} at epoch ${epoch}`,
  };
}

/**
 * Trains `config`'s model on `data` with whatever tfjs backend is current, reporting every epoch.
 *
 * Per epoch: the training rows are shuffled with deriveSeed(seed, epoch) (mini-batches only; see
 * batch-source.ts), one optimizer step per batch, then train/validation/test are evaluated in eval mode.
 * Stops early when shouldStop() answers true before a batch ('cancelled'; the partial epoch is not
 * reported) or when a batch objective or the evaluated training loss is NaN/±∞ ('diverged'; the epoch
 * with non-finite numbers is not reported either, so every logged metric is a number). With
 * `training.earlyStopping`, ends 'completed' after the epoch at which the rule fires on the epochs logged
 * so far, with the rule's record (the restored epoch's metrics are in the log; the best epoch's weights are
 * the caller's to keep, from the states onEpoch hands out).
 *
 * With `start`, the model and optimizer take the given state and training goes on with the epoch after it,
 * with the same shuffles, dropout masks and learning rates as an uninterrupted run (they depend on the epoch
 * number alone), so the epochs equal those of a run that never stopped. A state without optimizer slots, or
 * with another optimizer's, starts a fresh optimizer. With `options.pauseAfterEpoch` it ends 'paused' after
 * that epoch (a pruned grid's rung); taken up again from that epoch's state it goes on as if it never stopped.
 */
export async function trainRun(
  config: RunConfig,
  data: TrainingData,
  callbacks: TrainCallbacks,
  start?: TrainStart,
  options: TrainOptions = {},
): Promise<TrainOutcome> {
  const { training, regularization, seed } = config;
  const model = buildModel({
    model: config.model,
    featureShape: data.featureShape,
    classes: data.classes,
    seed,
    dropoutKeep: regularization.dropout?.keep,
  });
  let optimizer: Optimizer | null = null;
  let source: BatchSource | null = null;
  let layerWatch: LayerWatch | null = null;
  const watch = new LossWatch();
  try {
    validateData(data, model);
    // Before any saved weights go back in: its histogram edges come from the seed's initial kernels.
    if (config.layerStats) layerWatch = new LayerWatch(model, data.train);
    const sizes = chunkSizes(config.model, model.inputShape, data.classes);
    optimizer = createOptimizer(
      training,
      model.parameters.map((p) => p.variable),
    );
    source = createBatchSource({
      split: data.train,
      inputShape: model.inputShape,
      classes: data.classes,
      batchSize: training.batchSize,
      shuffle: training.shuffle,
      seed,
      chunkRows: model.hasBatchNorm ? null : sizes.trainRows,
    });
    const settings: ObjectiveSettings = { lossReduction: training.lossReduction, regularization };
    const batches = source.batchesPerEpoch;
    const firstEpoch = (start?.state.epoch ?? 0) + 1;
    if (start) {
      restoreWeights(model, start.state.weights);
      if (start.state.optimizer)
        restoreOptimizer(model, optimizer, training.optimizer, start.state.optimizer);
    }
    layerWatch?.begin();
    const history: EpochMetrics[] = start ? start.history.filter((m) => m.epoch < firstEpoch) : [];
    const every = training.evaluateEvery ?? null;
    // With points the rule reads every evaluation (points and epoch ends) in step order.
    const timeline: TimelineEntry[] = [];
    if (every && training.earlyStopping && start) {
      const points = start.points ?? [];
      for (const row of history) {
        for (const p of points) if (Math.ceil(p.epoch) === row.epoch) timeline.push(p);
        const at = progressAfter(data.train.count, training.batchSize, row.epoch, batches - 1);
        timeline.push({ ...row, ...at, epoch: row.epoch, epochEnd: true });
      }
    }
    const trained = optimizer;
    const stateAfter = (epoch: number) => () =>
      captureTrainingState(model, trained, training.optimizer, epoch, seed);

    const lastEpoch = Math.min(training.epochs, options.pauseAfterEpoch ?? training.epochs);
    for (let epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
      const started = performance.now();
      const learningRate = learningRateAt(training, epoch);
      const order = source.orderFor(epoch);
      let before: Progress = progressAfter(data.train.count, training.batchSize, epoch, -1);
      for (let index = 0; index < batches; index++) {
        if (callbacks.shouldStop()) return { status: 'cancelled', epochs: epoch - 1 };
        const after = progressAfter(data.train.count, training.batchSize, epoch, index);
        const atPoint = every !== null && index < batches - 1 && pointDue(every, before, after);
        before = after;
        const tapped = index === batches - 1 || atPoint;
        const tap = tapped ? layerWatch?.tapLastBatch.bind(layerWatch) : undefined;
        watch.add(
          trainBatch(model, optimizer, source, order, index, { epoch, learningRate, seed, settings, tap }),
        );
        const bad = watch.due(index === batches - 1 || atPoint) ? watch.firstNonFinite() : null;
        if (bad !== null) return diverged(bad, epoch);
        callbacks.onBatch?.(epoch, index + 1, batches);
        if (atPoint) {
          const sets = evaluateSets(model, data, sizes.evalRows);
          if ('diverged' in sets) return diverged(sets.diverged, epoch);
          const point: EvalPoint = {
            ...after,
            epoch: after.examples / data.train.count,
            ...sets,
            lr: learningRate,
            seconds: (performance.now() - started) / 1000,
          };
          callbacks.onPoint?.(point, layerWatch?.afterPoint(point.epoch, point.step) ?? null);
          if (training.earlyStopping) {
            timeline.push(point);
            const earlyStop = stopsAtLastEvaluation(timeline, training.earlyStopping);
            if (earlyStop) return { status: 'completed', epochs: epoch - 1, earlyStop };
          }
        }
        await yieldToEventLoop();
      }

      const sets = evaluateSets(model, data, sizes.evalRows);
      if ('diverged' in sets) return diverged(sets.diverged, epoch);
      const metrics: EpochMetrics = {
        epoch,
        ...sets,
        lr: learningRate,
        seconds: (performance.now() - started) / 1000,
      };
      callbacks.onEpoch(metrics, stateAfter(epoch), layerWatch?.afterEpoch(epoch) ?? null);
      await yieldToEventLoop();
      if (training.earlyStopping && every) {
        timeline.push({ ...metrics, ...before, epoch, epochEnd: true });
        const earlyStop = stopsAtLastEvaluation(timeline, training.earlyStopping);
        if (earlyStop) return { status: 'completed', epochs: epoch, earlyStop };
      } else if (training.earlyStopping) {
        history.push(metrics);
        // The same pure function the analysis runs on the logged history, so both always agree.
        const decision = stopsAfter(history, training.earlyStopping, epoch);
        if (decision) {
          const { label, restoredEpoch, reason } = decision;
          return {
            status: 'completed',
            epochs: epoch,
            earlyStop: { rule: label, stopEpoch: epoch, restoredEpoch, reason },
          };
        }
      }
    }
    if (lastEpoch < training.epochs) return { status: 'paused', epochs: lastEpoch };
    return { status: 'completed', epochs: training.epochs };
  } finally {
    watch.dispose();
    layerWatch?.dispose();
    source?.dispose();
    optimizer?.dispose();
    model.dispose();
  }
}
