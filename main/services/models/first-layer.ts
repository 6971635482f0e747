import type { EpochChoice } from '../../../common/checkpoints/types';
import { MAX_FIRST_LAYER_TILES, type FirstLayerAnswer } from '../../../common/checkpoints/first-layer';
import { UserInputError } from '../../../common/errors';
import type { RunStore } from '../../store/run-store';
import { readModelExport } from './export-model';

/**
 * The first weighted layer of a kept model as pictures: a dense layer on image input shows each unit's
 * incoming weights as an image of the input's size (what the unit looks for); a convolution shows its
 * filters. Where there is no picture to draw (a dense layer on tabular data) it answers so, with the reason.
 */
export function firstLayerPictures(
  store: RunStore,
  runId: string,
  options: { epoch?: EpochChoice; cacheDir?: string } = {},
): FirstLayerAnswer {
  const model = readModelExport(store, runId, options);
  const layer = model.layers.find((l) => l.kind === 'dense' || l.kind === 'conv2d');
  const kernel = layer?.weights.find((w) => w.key.endsWith('.kernel'));
  if (!layer || !kernel || (layer.kind !== 'dense' && layer.kind !== 'conv2d')) {
    throw new UserInputError(`run ${model.runId.slice(0, 8)} has no weighted layer to draw`);
  }
  let tileShape: [number, number];
  let units: number;
  let tile: (u: number) => number[];
  if (layer.kind === 'dense') {
    const [inputs, outputs] = kernel.shape;
    const [h, w = 1, ...rest] = model.featureShape;
    if (model.featureShape.length < 2 || rest.some((d) => d !== 1) || h * w !== inputs) {
      return {
        drawable: false,
        runId: model.runId,
        epoch: model.epoch,
        reason:
          `run ${model.runId.slice(0, 8)}: its first layer takes ${inputs} features of shape ` +
          `[${model.featureShape.join(', ')}], not an image: there is no picture of a unit's weights`,
      };
    }
    tileShape = [h, w];
    units = outputs;
    // Kernel [in, out], row-major: unit u's incoming weights are column u.
    tile = (u) => Array.from({ length: inputs }, (_, i) => kernel.values[i * outputs + u]);
  } else {
    const [kh, kw, channels, filters] = kernel.shape;
    tileShape = [kh, kw];
    units = filters;
    tile = (f) => Array.from({ length: kh * kw }, (_, i) => kernel.values[i * channels * filters + f]);
  }
  const tiles = Array.from({ length: Math.min(units, MAX_FIRST_LAYER_TILES) }, (_, u) => tile(u));
  let maxAbs = 0;
  for (const t of tiles) for (const v of t) maxAbs = Math.max(maxAbs, Math.abs(v));
  return {
    drawable: true,
    runId: model.runId,
    epoch: model.epoch,
    layer: layer.name,
    kind: layer.kind,
    units,
    tileShape,
    tiles,
    maxAbs,
  };
}
