import type { NamedTensor } from '../../../common/checkpoints/codec';
import type { Activation, RunConfig } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import { describeModel } from '../../../common/model/summary';
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM } from '../../engine/model/build-layers';

/**
 * A kept model's layers as an export writes them: the engine's layer order and names (common/model/summary.ts
 * builds the same list the engine does, from the config alone), each weighted layer with its checkpoint
 * tensors under the export's key. Nothing here needs tfjs: exporting reads numbers, it runs nothing.
 */

/** One weight tensor: `key` is the export's name ("0.dense.kernel"), `name` the engine's ("dense_1/kernel"). */
export interface ExportTensor {
  key: string;
  name: string;
  shape: number[];
  values: Float32Array;
}

interface LayerBase {
  /** The engine's name, e.g. "dense_2", "batch_norm_1". */
  name: string;
  /** One example's output shape (no batch dimension). */
  outputShape: number[];
  /** In the order the layer takes them; empty for layers without weights. */
  weights: ExportTensor[];
}

export type ExportLayer = LayerBase &
  (
    | { kind: 'dense'; units: number }
    | {
        kind: 'conv2d';
        filters: number;
        kernelSize: number;
        stride: number;
        padding: 'same' | 'valid';
      }
    | { kind: 'activation'; activation: Activation }
    | { kind: 'batchNorm'; epsilon: number; momentum: number }
    | { kind: 'maxPool'; poolSize: number }
    | { kind: 'flatten' }
    | { kind: 'dropout'; keep: number }
  );

/** The export's kind names: one lower-case word each, as the array keys spell them. */
const KEY_KINDS = { dense: 'dense', conv2d: 'conv2d', batchNorm: 'batchnorm' } as const;

/** The engine's tensor names per weighted layer kind, and the role each is exported as, in the layer's order. */
const ROLES = {
  dense: [
    ['kernel', 'kernel'],
    ['bias', 'bias'],
  ],
  conv2d: [
    ['kernel', 'kernel'],
    ['bias', 'bias'],
  ],
  batchNorm: [
    ['gamma', 'gamma'],
    ['beta', 'beta'],
    ['moving_mean', 'movingMean'],
    ['moving_variance', 'movingVariance'],
  ],
} as const;

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Takes the checkpoint's tensors one by one, checking each shape against the model's; leftovers are an error. */
class TensorSource {
  private readonly byName: Map<string, NamedTensor>;
  private readonly used = new Set<string>();

  constructor(
    weights: readonly NamedTensor[],
    private readonly where: string,
  ) {
    this.byName = new Map(weights.map((t) => [t.name, t]));
  }

  take(name: string, shape: number[]): NamedTensor {
    const tensor = this.byName.get(name);
    if (!tensor)
      throw new UserInputError(`${this.where} has no tensor ${name}: it was saved from another model`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new UserInputError(
        `${this.where}: tensor ${name} is ${shapeText(tensor.shape)}, its run's model needs ${shapeText(shape)}`,
      );
    }
    this.used.add(name);
    return tensor;
  }

  assertAllUsed(): void {
    const extra = [...this.byName.keys()].filter((n) => !this.used.has(n));
    if (extra.length > 0)
      throw new UserInputError(`${this.where} has tensors its run's model lacks: ${extra.join(', ')}`);
  }
}

/**
 * The layers of `config.model` for examples of `inputShape` (as the first layer takes them) and `classes`
 * outputs, with the checkpoint's weights. `where` names the checkpoint in errors.
 */
export function exportLayers(
  config: RunConfig,
  inputShape: number[],
  classes: number,
  weights: readonly NamedTensor[],
  where: string,
): ExportLayer[] {
  const model = config.model;
  const summary = describeModel(model, inputShape, classes, {
    dropoutKeep: config.regularization.dropout?.keep,
  });
  const source = new TensorSource(weights, where);
  const layers: ExportLayer[] = [];
  let previous = inputShape;
  // Counts only layers with weights: the keys' first part ("0.dense.kernel", "1.batchnorm.gamma").
  let weighted = 0;
  const tensors = (kind: keyof typeof ROLES, layerName: string, shapes: number[][]): ExportTensor[] => {
    const index = weighted++;
    return ROLES[kind].map(([tensor, role], i) => {
      const found = source.take(`${layerName}/${tensor}`, shapes[i]);
      return { key: `${index}.${KEY_KINDS[kind]}.${role}`, ...found };
    });
  };
  for (const row of summary.layers) {
    const base = { name: row.name, outputShape: row.outputShape, weights: [] as ExportTensor[] };
    switch (row.kind) {
      case 'dense': {
        const units = row.outputShape[0];
        const weights = tensors('dense', row.name, [[product(previous), units], [units]]);
        layers.push({ ...base, kind: 'dense', units, weights });
        break;
      }
      case 'conv2d': {
        if (model.kind !== 'cnn') throw new Error('a conv2d layer in an MLP');
        const { filters, kernelSize: k } = model;
        const weights = tensors('conv2d', row.name, [[k, k, previous[2], filters], [filters]]);
        layers.push({
          ...base,
          kind: 'conv2d',
          filters,
          kernelSize: k,
          stride: model.stride,
          padding: model.padding,
          weights,
        });
        break;
      }
      case 'batchNorm': {
        const channels = previous[previous.length - 1];
        const weights = tensors('batchNorm', row.name, [[channels], [channels], [channels], [channels]]);
        layers.push({
          ...base,
          kind: 'batchNorm',
          epsilon: BATCH_NORM_EPSILON,
          momentum: BATCH_NORM_MOMENTUM,
          weights,
        });
        break;
      }
      case 'activation':
        layers.push({ ...base, kind: 'activation', activation: model.activation });
        break;
      case 'maxPool':
        if (model.kind !== 'cnn') throw new Error('a pooling layer in an MLP');
        layers.push({ ...base, kind: 'maxPool', poolSize: model.poolSize });
        break;
      case 'flatten':
        layers.push({ ...base, kind: 'flatten' });
        break;
      case 'dropout':
        layers.push({ ...base, kind: 'dropout', keep: config.regularization.dropout?.keep ?? 1 });
        break;
    }
    previous = row.outputShape;
  }
  source.assertAllUsed();
  return layers;
}

/** Every weight tensor of the layers, in forward order. */
export function exportTensors(layers: readonly ExportLayer[]): ExportTensor[] {
  return layers.flatMap((l) => l.weights);
}
