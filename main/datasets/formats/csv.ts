import { parse } from 'csv-parse/sync';
import { DatasetFormatError } from '../errors';
import type { RawDataset } from './raw-dataset';

export interface CsvReadOptions {
  /** The label column's name; default: a column named label, class, target or y (any case), else the last one. */
  labelColumn?: string;
}

const DEFAULT_LABEL_COLUMNS = ['label', 'class', 'target', 'y'];

/** Plain decimal numbers only: "NaN", "Infinity", hex and empty cells are mistakes in a feature table. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface CsvRecord {
  record: string[];
  /** The file line the record ends on (1-based), so that messages point where an editor shows the row. */
  line: number;
}

/**
 * A CSV table with a header row: one column of labels (numeric class indices, or strings that become classes in
 * sorted order, their names kept), every other column a numeric feature.
 */
export function readCsv(input: Uint8Array | string, options: CsvReadOptions = {}): RawDataset {
  const records = parseRecords(input);
  if (records.length === 0) throw new DatasetFormatError('has no header row (the file is blank)');
  const header = records[0].record;
  const rows = records.slice(1);
  const labelIndex = findLabelColumn(header, options.labelColumn);
  const labelName = header[labelIndex];
  if (header.length < 2) {
    throw new DatasetFormatError(`needs at least one feature column besides the label column "${labelName}"`);
  }
  if (rows.length === 0) throw new DatasetFormatError('has a header row but no data rows');

  const featureColumns = header.map((_, i) => i).filter((i) => i !== labelIndex);
  const features = new Float64Array(rows.length * featureColumns.length);
  const labelCells: string[] = [];
  rows.forEach(({ record, line }, r) => {
    if (record.length !== header.length) {
      throw new DatasetFormatError(
        `row ${line}: expected ${header.length} columns (as the header), got ${record.length}`,
      );
    }
    featureColumns.forEach((column, j) => {
      const cell = record[column];
      if (!NUMBER_PATTERN.test(cell)) {
        const got = cell === '' ? 'an empty cell' : JSON.stringify(cell);
        throw new DatasetFormatError(
          `row ${line}, column "${header[column]}": expected a number, got ${got}`,
        );
      }
      features[r * featureColumns.length + j] = Number(cell);
    });
    const label = record[labelIndex];
    if (label === '') throw new DatasetFormatError(`row ${line}, column "${labelName}": the label is empty`);
    labelCells.push(label);
  });

  const describeLabel = (index: number) => `row ${rows[index].line}, column "${labelName}"`;
  const base = {
    format: 'csv' as const,
    features: { dtype: 'float64' as const, shape: [rows.length, featureColumns.length], data: features },
    featuresName: 'features',
    labelsName: `column "${labelName}"`,
    describeLabel,
  };
  if (labelCells.every((cell) => NUMBER_PATTERN.test(cell))) {
    const labels = Float64Array.from(labelCells, Number);
    return { ...base, labels: { dtype: 'float64', shape: [rows.length], data: labels } };
  }
  const classNames = [...new Set(labelCells)].sort();
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const labels = Int32Array.from(labelCells, (cell) => classIndex.get(cell) ?? -1);
  return { ...base, labels: { dtype: 'int32', shape: [rows.length], data: labels }, classNames };
}

/**
 * The header's columns and the one taken as the label (as readCsv takes it), read by the same parser;
 * undefined for a file without a usable header (readCsv says what is wrong with it).
 */
export function csvHeader(
  input: Uint8Array | string,
  labelColumn?: string,
): { columns: string[]; labelColumn: string | undefined } | undefined {
  let header: string[] | undefined;
  try {
    header = parseRecords(input)[0]?.record;
  } catch {
    return undefined;
  }
  if (!header || header.length === 0) return undefined;
  try {
    return { columns: header, labelColumn: header[findLabelColumn(header, labelColumn)] };
  } catch {
    return { columns: header, labelColumn: undefined };
  }
}

function parseRecords(input: Uint8Array | string): CsvRecord[] {
  try {
    // With `info`, csv-parse returns {record, info} objects, which its typings do not express.
    const parsed = parse(input, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return parsed.map(({ record, info }) => ({ record, line: info.lines }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetFormatError(`is not valid CSV: ${reason}`);
  }
}

/** The label column's index: the one asked for (exact, then ignoring case), else label/class/target/y, else the last. */
export function findLabelColumn(header: string[], requested: string | undefined): number {
  const columns = header.map((name) => `"${name}"`).join(', ');
  if (requested !== undefined) {
    const exact = header.indexOf(requested);
    const index =
      exact >= 0 ? exact : header.findIndex((name) => name.toLowerCase() === requested.toLowerCase());
    if (index < 0) throw new DatasetFormatError(`has no label column "${requested}" (columns: ${columns})`);
    return index;
  }
  for (const candidate of DEFAULT_LABEL_COLUMNS) {
    const index = header.findIndex((name) => name.toLowerCase() === candidate);
    if (index >= 0) return index;
  }
  return header.length - 1;
}
