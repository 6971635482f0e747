import type { NumericTensor } from '../numeric-array';

/** What a format reader found in a file, before validation: arrays as stored, and what the file calls them. */
export interface RawDataset {
  format: 'npz' | 'idx' | 'csv';
  /** Shape [N, ...exampleShape]. */
  features: NumericTensor;
  /** Shape [N] (or [N, 1]): class indices, possibly still out of range or fractional. */
  labels: NumericTensor;
  /** How the file names the arrays, for messages: "images"/"labels", "x"/"y", file names, column names. */
  featuresName: string;
  labelsName: string;
  classNames?: string[];
  /** The file's own test part, stored last. */
  officialTest?: number;
  /** Where label `index` is in the file, e.g. `row 5, column "species"`; default `labels[5]`. */
  describeLabel?: (index: number) => string;
}
