import { importDataset, listDatasets } from '../../datasets/catalog';
import { openContext, type GlobalOptions } from '../context';
import { printJson, printTable } from '../output';

interface JsonOption extends GlobalOptions {
  json?: boolean;
}

export function datasetsCommand(options: JsonOption): number {
  const { store, cacheDir } = openContext(options);
  const datasets = listDatasets(store, { cacheDir });
  store.close();
  if (options.json) {
    printJson(datasets);
    return 0;
  }
  printTable(
    ['id', 'name', 'source', 'shape', 'classes', 'examples', 'official test', 'fingerprint (SHA-256)'],
    datasets.map((d) => [
      d.id,
      d.name,
      d.source,
      d.shape.join('×'),
      d.classes,
      d.examples,
      d.officialTest || '–',
      d.fingerprint.slice(0, 16) + '…',
    ]),
  );
  return 0;
}

export interface ImportOptions extends JsonOption {
  name?: string;
  labels?: string;
  labelColumn?: string;
}

export function importCommand(file: string, options: ImportOptions): number {
  const { store, cacheDir } = openContext(options);
  try {
    const info = importDataset(file, store, {
      name: options.name,
      labelsFile: options.labels,
      labelColumn: options.labelColumn,
      cacheDir,
    });
    if (options.json) {
      printJson({ datasetId: info.id, examples: info.examples, classes: info.classes, shape: info.shape });
    } else {
      process.stdout.write(
        `Imported "${info.name}" as dataset ${info.id}: ${info.examples} examples of shape ${info.shape.join('×')}, ${info.classes} classes, fingerprint ${info.fingerprint.slice(0, 16)}…\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
