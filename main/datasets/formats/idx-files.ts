import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatasetFormatError } from '../errors';

export interface IdxFilePair {
  imagesFile: string;
  labelsFile: string;
}

const IMAGES_PART = /images([-_.])idx\d/i;
const LABELS_PART = /labels([-_.])idx1/i;

/** Whether a file name looks like one half of an IDX pair ("t10k-images-idx3-ubyte", "...-labels-idx1-ubyte.gz"). */
export function looksLikeIdxFile(file: string): boolean {
  const name = basename(file);
  return IMAGES_PART.test(name) || LABELS_PART.test(name) || /\.idx\d?(\.gz)?$/i.test(name);
}

/**
 * The images and labels files of an IDX dataset, from either one of them, by the usual naming
 * (*-images-idx3-ubyte ↔ *-labels-idx1-ubyte, with or without .gz); labelsFile overrides the search.
 */
export function findIdxPair(file: string, labelsFile?: string): IdxFilePair {
  if (labelsFile !== undefined) return { imagesFile: file, labelsFile };
  const dir = dirname(file);
  const name = basename(file);
  if (LABELS_PART.test(name)) {
    const partner = name.replace(LABELS_PART, (_, sep: string) => `images${sep}idx3`);
    return { imagesFile: existingVariant(join(dir, partner), 'images'), labelsFile: file };
  }
  if (IMAGES_PART.test(name)) {
    const partner = name.replace(IMAGES_PART, (_, sep: string) => `labels${sep}idx1`);
    return { imagesFile: file, labelsFile: existingVariant(join(dir, partner), 'labels') };
  }
  throw new DatasetFormatError(
    'is an IDX file whose partner cannot be found by name: name the pair *-images-idx3-ubyte and ' +
      '*-labels-idx1-ubyte, or pass the labels file explicitly',
  );
}

/** The partner may be compressed when this file is not, or the other way round. */
function existingVariant(candidate: string, what: string): string {
  const variants = candidate.endsWith('.gz')
    ? [candidate, candidate.slice(0, -3)]
    : [candidate, `${candidate}.gz`];
  const found = variants.find((v) => existsSync(v));
  if (found === undefined) {
    throw new DatasetFormatError(`IDX data needs its ${what} file too: looked for ${variants.join(' and ')}`);
  }
  return found;
}
