import { zipSync, type Zippable } from 'fflate';
import { describeLayer, exportMetadata } from './export-metadata';
import { exportTensors } from './export-layers';
import type { ExportedModel } from './export-model';
import { encodeNpyFloat32 } from './npy-write';

/**
 * A kept model as an .npz: one float32 array per weight tensor ("0.dense.kernel" [in, out], "0.conv2d.kernel"
 * [kh, kw, in, out], "1.batchnorm.movingMean", …) in forward order, the normalisation ("normalization.mean",
 * "normalization.scale") and a model.json entry describing the layers. np.load reads it as it is;
 * model.json comes back as bytes (np.load(f)["model.json"]).
 */

export const NPZ_MEAN = 'normalization.mean';
export const NPZ_SCALE = 'normalization.scale';

export function npzModelJson(model: ExportedModel, appVersion: string): Record<string, unknown> {
  return {
    format: 'workbench-npz',
    formatVersion: 1,
    ...exportMetadata(model, {
      appVersion,
      output: 'logits',
      layers: model.layers.map((l) => describeLayer(l, true)),
      normalization: { mean: NPZ_MEAN, scale: NPZ_SCALE },
    }),
  };
}

/** The .npz bytes. Stored, not deflated, as np.savez writes it: float weights hardly compress. */
export function encodeNpz(model: ExportedModel, appVersion: string): Uint8Array {
  const features = model.normalization.mean.length;
  const files: Zippable = {};
  for (const t of exportTensors(model.layers)) files[`${t.key}.npy`] = encodeNpyFloat32(t.shape, t.values);
  files[`${NPZ_MEAN}.npy`] = encodeNpyFloat32([features], model.normalization.mean);
  files[`${NPZ_SCALE}.npy`] = encodeNpyFloat32([features], model.normalization.scale);
  files['model.json'] = new TextEncoder().encode(
    JSON.stringify(npzModelJson(model, appVersion), null, 2) + '\n',
  );
  // A fixed date: the same checkpoint exports to the same bytes.
  return zipSync(files, { level: 0, mtime: new Date('2000-01-01T00:00:00Z') });
}
