import { UserInputError } from '../../common/errors';
import type { DatasetInfo } from '../../common/types';
import {
  BUILTIN_DATASET_IDS,
  describeBuiltinDataset,
  isBuiltinDatasetId,
  listBuiltinDatasets,
  loadBuiltinDataset,
  type BuiltinDatasetOptions,
} from './builtins';
import { DatasetImportError } from './errors';
import { defaultDatasetName, parseDatasetFile, type ParseDatasetOptions } from './import-dataset';
import { datasetIdFromName } from './slug';
import type { LoadedDataset, ParsedDataset } from './types';

/**
 * Where imported datasets live (the SQLite run store implements it). The catalog validates, fingerprints and
 * picks the id (ParsedDataset.id, the slug of its name, checked unused) before saveImportedDataset is called.
 */
export interface ImportedDatasetStore {
  saveImportedDataset(d: ParsedDataset): DatasetInfo;
  listImportedDatasets(): DatasetInfo[];
  loadImportedDataset(id: string): LoadedDataset | undefined;
}

export type DatasetCatalogOptions = BuiltinDatasetOptions;
export type ImportDatasetOptions = ParseDatasetOptions & BuiltinDatasetOptions;

/** Built-ins first, then imported datasets: everything a run config's dataset.id may name. */
export function listDatasets(store: ImportedDatasetStore, opts: DatasetCatalogOptions = {}): DatasetInfo[] {
  return [...listBuiltinDatasets(opts), ...store.listImportedDatasets()];
}

/**
 * The one dataset an id names, or undefined: reads only that dataset's description (a built-in's from its
 * info cache), not every dataset's, so that checking one run does not load the others.
 */
export function findDataset(
  id: string,
  store: ImportedDatasetStore,
  opts: DatasetCatalogOptions = {},
): DatasetInfo | undefined {
  if (isBuiltinDatasetId(id)) return describeBuiltinDataset(id, opts);
  return store.listImportedDatasets().find((d) => d.id === id);
}

export function loadDataset(
  id: string,
  store: ImportedDatasetStore,
  opts: DatasetCatalogOptions = {},
): LoadedDataset {
  if (isBuiltinDatasetId(id)) return loadBuiltinDataset(id, opts);
  const imported = store.loadImportedDataset(id);
  if (imported) return imported;
  const known = [...BUILTIN_DATASET_IDS, ...store.listImportedDatasets().map((d) => d.id)];
  throw new UserInputError(`unknown dataset "${id}" (known: ${known.join(', ')})`);
}

/**
 * Parses and validates the file, then saves it under the slug of its name ("notMNIST" → "notmnist").
 * Nothing is saved when anything is wrong, including a name whose id is already taken.
 */
export function importDataset(
  file: string,
  store: ImportedDatasetStore,
  opts: ImportDatasetOptions = {},
): DatasetInfo {
  const name = opts.name ?? defaultDatasetName(file);
  const id = datasetIdFromName(name);
  // Checked before parsing: a clash is known without reading a possibly large file.
  const taken = isBuiltinDatasetId(id)
    ? { source: 'built-in', name: id }
    : store.listImportedDatasets().find((d) => d.id === id);
  if (taken) {
    throw new DatasetImportError(
      file,
      `the dataset id "${id}" (from the name "${name}") is taken by the ${taken.source} dataset ` +
        `"${taken.name}": import it under another name`,
    );
  }
  const parsed = parseDatasetFile(file, { ...opts, name });
  return store.saveImportedDataset(parsed);
}
