/** What `datasets.inspect` says a file holds, before anything is stored (the Datasets view's preview). */
export interface DatasetPreview {
  /** The file names as the user picked them (images file first for an IDX pair). */
  files: string[];
  format: 'npz' | 'idx' | 'csv' | null;
  /** CSV: the header's columns, and the one taken as the label. */
  columns?: string[];
  labelColumn?: string;
  /** The name an import would get by default, and the id that name makes. */
  suggestedName: string;
  /** Every problem found, each one line naming the file and what was expected; empty when it can be imported. */
  problems: string[];
  /** The rest is there when the file could be read. */
  examples?: number;
  classes?: number;
  classNames?: string[];
  /** One example's shape, e.g. [28, 28] or [4]. */
  shape?: number[];
  dtype?: 'uint8' | 'float32';
  valueRange?: { min: number; max: number };
  /** Examples per class, by class index. */
  classCounts?: number[];
  /** Image data: a few examples of each class, each flattened row by row (values as stored). */
  samples?: { label: number; values: number[] }[];
  /** Tabular data: the first rows, features then the label. */
  rows?: { label: number; values: number[] }[];
}
