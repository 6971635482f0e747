import { beforeAll, describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../../common/checkpoints/codec';
import type { TrainingState } from '../../../common/checkpoints/training-state';
import { HISTOGRAM_BINS, type EpochLayerStats } from '../../../common/layers/layer-stats';
import { useBackend } from '../training/test-support/backend';
import { recordRun, testConfig } from '../training/test-support/config';
import { blobData } from '../training/test-support/data';

beforeAll(() => useBackend('cpu'));

const data = blobData({ train: 300 });
const features = data.featureShape[0];
const config = testConfig({
  model: { kind: 'mlp', hiddenUnits: [12, 6], activation: 'relu' },
  training: { optimizer: 'momentum', learningRate: 0.2, batchSize: 16, epochs: 3 },
});

interface Recorded {
  layers: EpochLayerStats[];
  states: TrainingState[];
}

async function record(start?: { state: TrainingState }): Promise<Recorded> {
  const layers: EpochLayerStats[] = [];
  const states: TrainingState[] = [];
  await recordRun(
    config,
    data,
    {
      onEpoch: (_m, state, stats) => {
        states.push(state());
        if (stats) layers.push(stats);
      },
    },
    start && { state: start.state, history: [] },
  );
  return { layers, states };
}

const tensor = (state: TrainingState, name: string): NamedTensor => {
  const found = state.weights.find((w) => w.name === name);
  if (!found) throw new Error(`no ${name} in the state`);
  return found;
};

const norm = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((s, v) => s + v * v, 0));

describe('layer statistics while training', () => {
  let run: Recorded;
  beforeAll(async () => {
    run = await record();
  });

  it('describe every layer with weights, each followed by its activation but the output', () => {
    expect(run.layers).toHaveLength(3);
    expect(
      run.layers[0].map((l) => [l.layer.name, l.layer.kind, l.layer.activation, l.layer.params]),
    ).toEqual([
      ['dense_1', 'dense', 'relu', features * 12 + 12],
      ['dense_2', 'dense', 'relu', 12 * 6 + 6],
      ['dense_3', 'dense', null, 6 * 3 + 3],
    ]);
    expect(run.layers[0][0].layer.probeExamples).toBe(256);
  });

  it('give the kernel norm and update ratio the saved weights give', () => {
    for (const [e, epoch] of run.layers.entries()) {
      for (const { layer, stats } of epoch) {
        const kernel = tensor(run.states[e], `${layer.name}/kernel`).values;
        expect(stats.epoch).toBe(e + 1);
        expect(stats.weightNorm).toBeCloseTo(norm(kernel), 10);
        expect(stats.gradNorm).toBeGreaterThan(0);
        if (e > 0) {
          const before = tensor(run.states[e - 1], `${layer.name}/kernel`).values;
          const moved = norm(Array.from(kernel, (v, i) => v - before[i]));
          expect(stats.updateRatio).toBeCloseTo(moved / norm(before), 10);
        }
      }
    }
  });

  it('bin every weight on edges that stay fixed over the run', () => {
    const edges = run.layers[0][0].stats.histogram.edges;
    expect(edges).toHaveLength(HISTOGRAM_BINS + 1);
    for (const [e, epoch] of run.layers.entries()) {
      const { stats, layer } = epoch[0];
      expect(stats.histogram.edges).toEqual(edges);
      const kernel = tensor(run.states[e], `${layer.name}/kernel`).values;
      const counted = stats.histogram.counts.reduce((a, b) => a + b, 0);
      expect(counted + stats.histogram.below + stats.histogram.above).toBe(kernel.length);
      // Bin 0 by hand: edges[0] ≤ w < edges[1].
      expect(stats.histogram.counts[0]).toBe(kernel.filter((w) => w >= edges[0] && w < edges[1]).length);
      const sorted = Float64Array.from(kernel).sort();
      expect(stats.percentiles[0]).toBe(sorted[0]);
      expect(stats.percentiles.at(-1)).toBe(sorted.at(-1));
      const range = sorted.at(-1)! - sorted[0];
      expect(Math.abs(stats.percentiles[4] - sorted[Math.floor(sorted.length / 2)])).toBeLessThan(
        range / 100,
      );
    }
  });

  it('count the hidden units that output 0 on every probe example', () => {
    const { states, layers } = run;
    const last = states.at(-1)!;
    const probe = Math.min(256, data.train.count);
    // The probe batch through both hidden layers by hand, from the saved weights.
    let inputs = Array.from({ length: probe }, (_, r) =>
      Array.from(data.train.x.subarray(r * features, (r + 1) * features)),
    );
    const deadByHand: number[] = [];
    for (const [name, units] of [
      ['dense_1', 12],
      ['dense_2', 6],
    ] as const) {
      const kernel = tensor(last, `${name}/kernel`).values;
      const bias = tensor(last, `${name}/bias`).values;
      const outputs = inputs.map((row) =>
        Array.from({ length: units }, (_, u) =>
          Math.max(
            0,
            row.reduce((z, x, f) => z + x * kernel[f * units + u], bias[u]),
          ),
        ),
      );
      let dead = 0;
      for (let u = 0; u < units; u++) if (outputs.every((o) => o[u] === 0)) dead += 1;
      deadByHand.push(dead / units);
      inputs = outputs;
    }
    const logged = layers.at(-1)!;
    expect(logged[0].stats.deadFraction).toBeCloseTo(deadByHand[0], 6);
    expect(logged[1].stats.deadFraction).toBeCloseTo(deadByHand[1], 6);
    // This run does kill some units: the check above is not 0 = 0.
    expect(Math.max(...deadByHand)).toBeGreaterThan(0);
    expect(logged[2].stats.deadFraction).toBeNull();
  });

  it('are the same after a resume as in the run that never stopped', async () => {
    const resumed = await record({ state: run.states[1] });
    expect(resumed.layers).toHaveLength(1);
    expect(resumed.layers[0]).toEqual(run.layers[2]);
  });

  it('are not computed where the config turns them off', async () => {
    const seen: (EpochLayerStats | null)[] = [];
    await recordRun({ ...config, layerStats: false }, data, { onEpoch: (_m, _s, stats) => seen.push(stats) });
    expect(seen).toEqual([null, null, null]);
  });
});
