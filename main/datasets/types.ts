import type { DatasetInfo } from '../../common/types';

/**
 * A dataset as held in memory: every example, features flattened row-major per example.
 * Built-in and imported datasets both arrive in this form; imported ones are stored in the run store.
 */
export interface DatasetArrays {
  /** N × prod(shape) values; 8-bit images stay Uint8Array until normalisation. */
  x: Uint8Array | Float32Array;
  /** N class indices in [0, classes). */
  y: Int32Array;
}

export interface LoadedDataset extends DatasetArrays {
  info: DatasetInfo;
  /** The value that "scale" normalisation maps to 1 (255 for 8-bit data). */
  scaleMax: number;
}

/** A validated file ready to be stored: what an importer returns. Nothing is stored until validation passed. */
export interface ParsedDataset extends DatasetArrays {
  name: string;
  sourceFile: string;
  format: 'npz' | 'idx' | 'csv';
  dtype: 'uint8' | 'float32';
  shape: number[];
  classes: number;
  classNames?: string[];
  fingerprint: string;
  /**
   * The catalog id: a slug of the name ([a-z0-9-]). parseDatasetFile sets it from the name; importDataset checks
   * that no other dataset has it before saveImportedDataset.
   */
  id?: string;
  /** What "scale" normalisation divides by (255 for 8-bit data); always set by parseDatasetFile. */
  scaleMax?: number;
  /** Size of the file's own test part, stored last (an .npz with x_train/x_test); 0 or absent when none. */
  officialTest?: number;
}

/** One split after shuffling and normalisation. */
export interface SplitArrays {
  /** count × prod(featureShape), normalised. */
  x: Float32Array;
  y: Int32Array;
  count: number;
}

/** What training takes: the three splits, ready for the engine. */
export interface TrainingData {
  train: SplitArrays;
  validation: SplitArrays;
  test: SplitArrays;
  /** Shape of one example, e.g. [28, 28, 1]; an MLP flattens it. */
  featureShape: number[];
  classes: number;
}
