import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../../common/checkpoints/codec';
import { runConfigSchema } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import { parseNpy } from '../../datasets/formats/npy';
import { exportLayers } from './export-layers';
import type { ExportedModel } from './export-model';
import { encodeNpz } from './export-npz';
import { tfjsFiles } from './export-tfjs';
import { encodeNpyFloat32 } from './npy-write';

const config = runConfigSchema.parse({
  name: 'unit',
  seed: 1,
  dataset: { id: 'iris', split: { train: 1 } },
  model: { kind: 'mlp', hiddenUnits: [3], activation: 'tanh' },
  training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 4, epochs: 1 },
  regularization: { dropout: { keep: 0.5 } },
});

const tensor = (name: string, shape: number[]): NamedTensor => ({
  name,
  shape,
  values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 10),
});

const weights = () => [
  tensor('dense_1/kernel', [4, 3]),
  tensor('dense_1/bias', [3]),
  tensor('dense_2/kernel', [3, 2]),
  tensor('dense_2/bias', [2]),
];

function exported(): ExportedModel {
  return {
    runId: 'r',
    runName: 'unit',
    epoch: 1,
    kinds: ['last'],
    datasetId: 'iris',
    datasetFingerprint: 'f',
    featureShape: [4],
    inputShape: [4],
    classNames: ['a', 'b'],
    normalization: {
      method: 'standardize',
      mean: Float32Array.of(1, 2, 3, 4),
      scale: Float32Array.of(0.5, 0.5, 0.25, 1),
    },
    layers: exportLayers(config, [4], 2, weights(), 'the checkpoint'),
  };
}

describe('encodeNpyFloat32', () => {
  it('writes a 64-byte aligned v1.0 header that reads back to the same values', () => {
    for (const shape of [[5], [2, 3], [1, 1, 2, 2]]) {
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i - 1.5);
      const bytes = encodeNpyFloat32(shape, values);
      const headerLength = bytes[8] | (bytes[9] << 8);
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[10 + headerLength - 1]).toBe(0x0a); // the header ends with a newline
      const back = parseNpy(bytes, 'a');
      expect(back).toMatchObject({ dtype: 'float32', shape });
      expect(Array.from(back.data as Float32Array)).toEqual(Array.from(values));
    }
  });
});

describe('exportLayers', () => {
  it('keys weighted layers by their index among weighted layers, in forward order', () => {
    const layers = exportLayers(config, [4], 2, weights(), 'the checkpoint');
    expect(layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dropout', 'dense']);
    expect(layers.flatMap((l) => l.weights.map((w) => `${w.key} ${w.name}`))).toEqual([
      '0.dense.kernel dense_1/kernel',
      '0.dense.bias dense_1/bias',
      '1.dense.kernel dense_2/kernel',
      '1.dense.bias dense_2/bias',
    ]);
    expect(layers[2]).toMatchObject({ kind: 'dropout', keep: 0.5 });
  });

  it('refuses a checkpoint that does not fit the model, one line naming the tensor', () => {
    const wrongShape = weights().map((t) => (t.name === 'dense_2/kernel' ? tensor(t.name, [3, 5]) : t));
    expect(() => exportLayers(config, [4], 2, wrongShape, 'the checkpoint')).toThrow(
      new UserInputError("the checkpoint: tensor dense_2/kernel is [3, 5], its run's model needs [3, 2]"),
    );
    const extra = [...weights(), tensor('dense_3/kernel', [2, 2])];
    expect(() => exportLayers(config, [4], 2, extra, 'the checkpoint')).toThrow(/lacks: dense_3\/kernel/);
    expect(() => exportLayers(config, [4], 2, weights().slice(1), 'the checkpoint')).toThrow(
      /has no tensor dense_1\/kernel/,
    );
  });
});

describe('the formats', () => {
  it('an .npz of the arrays, the normalisation and model.json; the same bytes every time', () => {
    const bytes = encodeNpz(exported(), '0.0.0');
    expect(encodeNpz(exported(), '0.0.0')).toEqual(bytes);
    const entries = unzipSync(bytes);
    expect(Object.keys(entries)).toEqual([
      '0.dense.kernel.npy',
      '0.dense.bias.npy',
      '1.dense.kernel.npy',
      '1.dense.bias.npy',
      'normalization.mean.npy',
      'normalization.scale.npy',
      'model.json',
    ]);
    const meta = JSON.parse(new TextDecoder().decode(entries['model.json']));
    expect(meta.normalization).toMatchObject({ method: 'standardize', mean: 'normalization.mean' });
    expect(meta.layers[0]).toEqual({
      kind: 'dense',
      name: 'dense_1',
      outputShape: [3],
      units: 3,
      weights: ['0.dense.kernel', '0.dense.bias'],
    });
  });

  it('a LayersModel whose manifest matches weights.bin, softmax last', () => {
    const files = tfjsFiles(exported(), '0.0.0');
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
    const floats = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(files['weights.bin'].byteLength).toBe(floats * 4);
    expect(specs.map((s) => s.name)).toEqual(weights().map((t) => t.name));
    const layers = json.modelTopology.config.layers as {
      class_name: string;
      config: Record<string, unknown>;
    }[];
    expect(layers.map((l) => l.class_name)).toEqual([
      'Dense',
      'Activation',
      'Dropout',
      'Dense',
      'Activation',
    ]);
    expect(layers[0].config.batch_input_shape).toEqual([null, 4]);
    expect(layers[2].config.rate).toBe(0.5);
    expect(layers[4].config).toMatchObject({ name: 'softmax', activation: 'softmax' });
    expect(json.userDefinedMetadata.workbench.normalization.scale).toEqual([0.5, 0.5, 0.25, 1]);
  });
});
