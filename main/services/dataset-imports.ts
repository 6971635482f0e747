import { copyFileSync, linkSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetPreview } from '../../common/datasets/preview';
import { UserInputError } from '../../common/errors';
import type { DatasetInfo } from '../../common/types';
import { isBuiltinDatasetId } from '../datasets/builtins';
import { defaultDatasetName, parseDatasetFile, type ParseDatasetOptions } from '../datasets/import-dataset';
import { csvHeader } from '../datasets/formats/csv';
import { datasetIdFromName } from '../datasets/slug';
import type { LoadedDataset, ParsedDataset } from '../datasets/types';
import type { RunStore } from '../store/run-store';
import { ApiInputError, ConflictError, NotFoundError } from './errors';
import type { TransferStore } from './transfers';

/**
 * Datasets imported from the app: files arrive as transfers (as archives do), are read by the same parser
 * and validation as `workbench import`, previewed before anything is stored, then stored under a name.
 */

export interface DatasetFileRequest {
  transferId: string;
  /** IDX: the labels file's transfer, beside the images file's. */
  labelsTransferId?: string;
  /** CSV: the label column (default label/class/target/y, else the last). */
  labelColumn?: string;
}

const SAMPLES_PER_CLASS = 8;
const PREVIEW_ROWS = 8;

/**
 * The transfers under the names the user picked, in a private folder of their own: the parser tells the
 * format and pairs IDX files by those names, and every message names the file as the user knows it.
 */
function withNamedFiles<T>(
  transfers: TransferStore,
  request: DatasetFileRequest,
  use: (files: { main: string; labels?: string; names: string[] }) => T,
): T {
  const main = transfers.get(request.transferId);
  if (!main) throw new NotFoundError(`no uploaded file with id ${request.transferId} (upload it again)`);
  const labels = request.labelsTransferId === undefined ? undefined : transfers.get(request.labelsTransferId);
  if (request.labelsTransferId !== undefined && !labels) {
    throw new NotFoundError(
      `no uploaded file with id ${request.labelsTransferId} (upload the labels file again)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'workbench-dataset-'));
  const place = (path: string, name: string) => {
    const target = join(dir, name);
    try {
      linkSync(path, target);
    } catch {
      copyFileSync(path, target);
    }
    return target;
  };
  try {
    const names = labels ? [main.name, labels.name] : [main.name];
    if (labels && labels.name === main.name)
      throw new UserInputError(`${main.name}: picked twice, as images and labels`);
    return use({
      main: place(main.path, main.name),
      labels: labels && place(labels.path, labels.name),
      names,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseNamed(
  files: { main: string; labels?: string },
  request: DatasetFileRequest,
  name: string,
): ParsedDataset {
  const dir = files.main.slice(0, files.main.lastIndexOf('/') + 1);
  const options: ParseDatasetOptions = {
    name,
    ...(files.labels ? { labelsFile: files.labels } : {}),
    ...(request.labelColumn ? { labelColumn: request.labelColumn } : {}),
  };
  try {
    return parseDatasetFile(files.main, options);
  } catch (error) {
    // The private folder is no business of the user's: the message names the file alone.
    if (error instanceof UserInputError) throw new UserInputError(error.message.split(dir).join(''));
    throw error;
  }
}

/** The arrays a preview describes: a parsed file's or a stored dataset's. */
interface PreviewArrays {
  x: Uint8Array | Float32Array;
  y: Int32Array | Uint8Array;
  shape: number[];
  classes: number;
  classNames?: string[];
  format: DatasetPreview['format'];
}

/** Counts, value range, and a few examples per class (image data) or the first rows (tabular). */
function describeArrays(
  d: PreviewArrays,
  samplesPerClass = SAMPLES_PER_CLASS,
): Omit<DatasetPreview, 'files' | 'suggestedName' | 'problems'> {
  const counts = new Array<number>(d.classes).fill(0);
  for (const label of d.y) counts[label] += 1;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d.x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const features = d.shape.reduce((a, b) => a * b, 1);
  // float32 values shown as the numbers they were written as (0.1, not 0.10000000149011612).
  const shown = d.x instanceof Float32Array ? (v: number) => Number(v.toPrecision(7)) : (v: number) => v;
  const example = (i: number) => Array.from(d.x.subarray(i * features, (i + 1) * features), shown);
  const image = d.shape.length >= 2;
  const samples: { label: number; values: number[] }[] = [];
  if (image) {
    const taken = new Array<number>(d.classes).fill(0);
    for (let i = 0; i < d.y.length && samples.length < samplesPerClass * d.classes; i += 1) {
      const label = d.y[i];
      if (taken[label] >= samplesPerClass) continue;
      taken[label] += 1;
      samples.push({ label, values: example(i) });
    }
  }
  const dtype: DatasetPreview['dtype'] = d.x instanceof Uint8Array ? 'uint8' : 'float32';
  return {
    format: d.format,
    examples: d.y.length,
    classes: d.classes,
    ...(d.classNames ? { classNames: d.classNames } : {}),
    shape: d.shape,
    dtype,
    valueRange: { min: d.y.length === 0 ? 0 : shown(min), max: d.y.length === 0 ? 0 : shown(max) },
    classCounts: counts,
    ...(image
      ? { samples: samples.sort((a, b) => a.label - b.label) }
      : {
          rows: Array.from({ length: Math.min(PREVIEW_ROWS, d.y.length) }, (_, i) => ({
            label: d.y[i],
            values: example(i),
          })),
        }),
  };
}

/**
 * What a stored dataset (built-in or imported) holds, as a file's preview shows it; `samplesPerClass` (up to
 * eight) for a caller that draws fewer, such as New run's one thumbnail a class.
 */
export function previewStoredDataset(
  dataset: LoadedDataset,
  samplesPerClass = SAMPLES_PER_CLASS,
): DatasetPreview {
  return {
    files: [],
    suggestedName: dataset.info.name,
    problems: [],
    ...describeArrays(
      {
        x: dataset.x,
        y: dataset.y,
        shape: dataset.info.shape,
        classes: dataset.info.classes,
        ...(dataset.info.classNames ? { classNames: dataset.info.classNames } : {}),
        format: null,
      },
      Math.min(samplesPerClass, SAMPLES_PER_CLASS),
    ),
  };
}

/** What the file holds and every problem the import's validation finds; stores nothing. */
export function inspectDatasetTransfer(
  transfers: TransferStore,
  request: DatasetFileRequest,
): DatasetPreview {
  return withNamedFiles(transfers, request, (files) => {
    const suggestedName = defaultDatasetName(files.names[0]) || 'dataset';
    const isCsv = /\.csv$/i.test(files.names[0]);
    const header = isCsv ? csvHeader(readFileSync(files.main), request.labelColumn) : undefined;
    const base: DatasetPreview = {
      files: files.names,
      format: null,
      suggestedName,
      problems: [],
      ...(header ? { columns: header.columns } : {}),
    };
    let parsed: ParsedDataset;
    try {
      parsed = parseNamed(files, request, suggestedName);
    } catch (error) {
      if (error instanceof UserInputError) return { ...base, problems: [error.message] };
      throw error;
    }
    return {
      ...base,
      // The column taken as the label, asked for or the default: the preview names the others by it.
      ...(header?.labelColumn ? { labelColumn: header.labelColumn } : {}),
      ...describeArrays({ ...parsed, format: parsed.format }),
    };
  });
}

/** Parses, validates and stores the file under `name`; refused, with nothing stored, when anything is wrong. */
export function importDatasetTransfer(
  store: RunStore,
  transfers: TransferStore,
  request: DatasetFileRequest & { name: string },
): DatasetInfo {
  const name = request.name.trim();
  const id = datasetIdFromName(name);
  if (id === '') {
    throw new ApiInputError([
      { path: 'name', message: `the name "${name}" has no letters or digits to make a dataset id from` },
    ]);
  }
  const taken = isBuiltinDatasetId(id)
    ? 'built-in'
    : store.listImportedDatasets().some((d) => d.id === id)
      ? 'imported'
      : null;
  if (taken) {
    throw new ApiInputError([
      {
        path: 'name',
        message: `the dataset id "${id}" is taken by ${taken === 'built-in' ? 'a built-in' : 'an imported'} dataset: choose another name`,
      },
    ]);
  }
  return withNamedFiles(transfers, request, (files) => {
    const parsed = parseNamed(files, request, name);
    return store.saveImportedDataset({ ...parsed, id, sourceFile: files.names.join(' + ') });
  });
}

/**
 * Deletes an imported dataset. The runs that trained on it stay (with its fingerprint); re-running one is
 * refused with the reason. Returns those runs, which the view named before asking.
 */
export function deleteImportedDataset(
  store: RunStore,
  datasetId: string,
): { datasetId: string; runs: { id: string; name: string }[] } {
  if (isBuiltinDatasetId(datasetId))
    throw new ConflictError(`dataset "${datasetId}" is built in: it cannot be deleted`);
  if (!store.listImportedDatasets().some((d) => d.id === datasetId)) {
    throw new NotFoundError(`no imported dataset with id ${datasetId}`);
  }
  const runs = store
    .listRunTable()
    .filter((r) => r.datasetId === datasetId)
    .map((r) => ({ id: r.id, name: r.name }));
  store.deleteImportedDataset(datasetId);
  return { datasetId, runs };
}
