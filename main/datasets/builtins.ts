import type { DatasetInfo } from '../../common/types';
import type { BuiltinSource } from './builtin/builtin-source';
import {
  cachePaths,
  readArraysCache,
  readInfoCache,
  writeArraysCache,
  writeInfoCache,
} from './builtin/dataset-cache';
import { fashionMnistSource } from './builtin/fashion-mnist';
import { irisSource } from './builtin/iris';
import { mnistSource } from './builtin/mnist';
import { packageVersionKey } from './builtin/package-files';
import { datasetFingerprint } from './fingerprint';
import type { LoadedDataset } from './types';

export const BUILTIN_DATASET_IDS = ['mnist', 'fashion-mnist', 'iris'] as const;
export type BuiltinDatasetId = (typeof BUILTIN_DATASET_IDS)[number];

const SOURCES: Record<BuiltinDatasetId, BuiltinSource> = {
  mnist: mnistSource,
  'fashion-mnist': fashionMnistSource,
  iris: irisSource,
};

export interface BuiltinDatasetOptions {
  /**
   * Where decoded data and fingerprints are kept between runs (e.g. <app data>/cache/datasets). Without it every
   * load decodes from the package and every listing hashes the data: correct, only slower.
   */
  cacheDir?: string;
}

export function isBuiltinDatasetId(id: string): id is BuiltinDatasetId {
  return (BUILTIN_DATASET_IDS as readonly string[]).includes(id);
}

/** The dataset with its content fingerprint. */
export function loadBuiltinDataset(id: BuiltinDatasetId, opts: BuiltinDatasetOptions = {}): LoadedDataset {
  const source = SOURCES[id];
  const paths = opts.cacheDir
    ? cachePaths(opts.cacheDir, id, packageVersionKey(source.packageName))
    : undefined;
  if (paths && source.cache === 'arrays') {
    const cached = readArraysCache(paths.arrays);
    if (cached) return cached;
  }
  const decoded = source.decode();
  const loaded: LoadedDataset = {
    x: decoded.x,
    y: decoded.y,
    scaleMax: decoded.scaleMax,
    info: { ...decoded.info, fingerprint: datasetFingerprint(decoded, decoded.info.shape) },
  };
  if (paths && source.cache !== 'none') {
    // A cache that cannot be written (read-only or full disk) costs time on the next load, not this one.
    try {
      if (source.cache === 'arrays') writeArraysCache(paths.arrays, loaded);
      const info = { info: loaded.info, scaleMax: loaded.scaleMax };
      if (JSON.stringify(readInfoCache(paths.info)) !== JSON.stringify(info))
        writeInfoCache(paths.info, info);
    } catch (error) {
      process.emitWarning(`could not write the ${id} dataset cache in ${opts.cacheDir}: ${String(error)}`);
    }
  }
  return loaded;
}

/**
 * The dataset's info, fingerprint included, without loading it when the cache has it: what `workbench datasets`
 * lists. The first call for a dataset (per package version and cache folder) loads it once to fill the cache.
 */
export function describeBuiltinDataset(id: BuiltinDatasetId, opts: BuiltinDatasetOptions = {}): DatasetInfo {
  const source = SOURCES[id];
  if (opts.cacheDir && source.cache !== 'none') {
    const cached = readInfoCache(cachePaths(opts.cacheDir, id, packageVersionKey(source.packageName)).info);
    if (cached) return cached.info;
  }
  return loadBuiltinDataset(id, opts).info;
}

export function listBuiltinDatasets(opts: BuiltinDatasetOptions = {}): DatasetInfo[] {
  return BUILTIN_DATASET_IDS.map((id) => describeBuiltinDataset(id, opts));
}
