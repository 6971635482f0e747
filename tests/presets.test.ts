import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig, parseWith } from '../common/config/parse-config';
import { modelOnlyConfigSchema } from '../common/config/run-config';
import { pointDue, progressAfter, stepsPerEpoch } from '../common/metrics/eval-points';
import { describeModel } from '../common/model/summary';
import { loadDataset } from '../main/datasets/catalog';
import { prepareTrainingData } from '../main/datasets/prepare';
import { selectBackend } from '../main/engine/backend/select-backend';
import { trainRun } from '../main/engine/training/train-run';
import { preflightRun } from '../main/services/run-preflight';
import { RunStore } from '../main/store/run-store';

const presetsDir = join(import.meta.dirname, '..', 'resources', 'presets');
const presets = readdirSync(presetsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(presetsDir, f), 'utf8')) as Record<string, unknown>] as const);
const cacheDir = join(tmpdir(), 'workbench-test-cache');

describe('bundled presets (E1–E9)', () => {
  const store = RunStore.open(':memory:');
  beforeAll(async () => {
    expect((await selectBackend('wasm')).chosen).toBe('wasm');
  });

  it('cover every reference experiment', () => {
    const ids = new Set(presets.map(([f]) => f.slice(0, 2)));
    expect([...ids].sort()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
  });

  it('E8 evaluates every 10 000 examples, as the report plots it: 25 points over its 5 epochs', () => {
    const [, raw] = presets.find(([f]) => f.startsWith('e8'))!;
    const parsed = parseRunConfig(raw);
    if (!parsed.ok) throw new Error(parsed.error);
    const { training, dataset } = parsed.value;
    expect(training.evaluateEvery).toEqual({ examples: 10_000 });
    const train = dataset.split.train;
    const steps = stepsPerEpoch(train, training.batchSize);
    const points: { epoch: number; atEnd: boolean }[] = [];
    // The engine's walk: after each step, a point where the examples seen cross a multiple of 10 000.
    for (let epoch = 1; epoch <= training.epochs; epoch++) {
      let before = progressAfter(train, training.batchSize, epoch, -1);
      for (let index = 0; index < steps; index++) {
        const after = progressAfter(train, training.batchSize, epoch, index);
        if (pointDue(training.evaluateEvery!, before, after))
          points.push({ epoch: after.examples / train, atEnd: index === steps - 1 });
        before = after;
      }
    }
    expect(points).toHaveLength(25);
    expect(points.filter((p) => p.atEnd).map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5]);
  });

  it('E9 is a model-only preset whose summary shows 557 057 parameters', () => {
    const [, raw] = presets.find(([f]) => f.startsWith('e9'))!;
    const parsed = parseWith(modelOnlyConfigSchema, raw);
    if (!parsed.ok) throw new Error(parsed.error);
    const model = parsed.value.model;
    expect(
      model.kind === 'mlp' && describeModel(model, [model.inputSize!], model.outputSize!).totalParams,
    ).toBe(557_057);
  });

  // On wasm every trainable model of E1–E8 must train: a few real batches of each, on its own dataset,
  // with its own optimizer, regularisation and conventions (only the split is shrunk).
  it.each(presets.filter(([f]) => !f.startsWith('e9')))(
    '%s is valid and trains on wasm',
    async (_file, raw) => {
      const parsed = parseRunConfig(raw);
      if (!parsed.ok) throw new Error(parsed.error);
      const config = parsed.value;
      expect(preflightRun(config, store, cacheDir).id).toBe(config.dataset.id);
      const small = {
        ...config,
        dataset: { ...config.dataset, split: { train: 64, validation: 16, test: 16 } },
        training: { ...config.training, epochs: 2 },
      };
      const data = prepareTrainingData(loadDataset(small.dataset.id, store, { cacheDir }), small.dataset);
      const losses: number[] = [];
      const outcome = await trainRun(small, data, {
        onEpoch: (m) => losses.push(m.trainLoss),
        shouldStop: () => false,
      });
      expect(outcome.status).toBe('completed');
      expect(losses).toHaveLength(2);
      for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    },
  );
});
