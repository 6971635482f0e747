/**
 * `node out/bench/seed-runs.js DB COUNT EPOCHS`: fills a store with COUNT finished Iris runs of EPOCHS epochs
 * each, through the RunStore API as the training worker writes them (created, started, every epoch, finished),
 * with made-up but plausible curves. For `npm run bench:ui`'s runs table: 10 000 runs cannot be trained in a
 * benchmark's time. Prints one JSON line: { runs, seconds }.
 */
import { runConfigSchema } from '../common/config/run-config';
import { loadDataset } from '../main/datasets/catalog';
import { RunStore } from '../main/store/run-store';
import { currentProcessOwner } from '../main/store/liveness';
import type { BackendReport } from '../common/types';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function main(): void {
  const [dbPath, countText, epochsText] = process.argv.slice(2);
  const count = Number(countText);
  const epochs = Number(epochsText);
  if (!dbPath || !(count > 0) || !(epochs > 0)) {
    throw new Error('usage: node out/bench/seed-runs.js DB COUNT EPOCHS');
  }
  const preset = JSON.parse(readFileSync(join(root, 'resources', 'presets', 'e7-iris-gd.json'), 'utf8')) as {
    training: Record<string, unknown>;
  };
  const started = performance.now();
  const store = RunStore.open(dbPath);
  const fingerprint = loadDataset('iris', store).info.fingerprint;
  const owner = currentProcessOwner();
  const backend: BackendReport = { chosen: 'wasm', tfjsBackend: 'wasm', version: 'seeded', candidates: [] };
  for (let i = 0; i < count; i++) {
    const learningRate = Number((0.001 * (1 + (i % 100))).toFixed(4));
    const seed = 1 + Math.floor(i / 100);
    const config = runConfigSchema.parse({
      ...preset,
      name: `seeded iris lr ${learningRate} seed ${seed}`,
      seed,
      dataset: { id: 'iris', split: { train: 100, validation: 25, test: 25 }, shuffleSeed: 7 },
      training: { ...preset.training, learningRate, epochs },
    });
    const run = store.createRun({ config, datasetFingerprint: fingerprint, appVersion: 'bench-seed', owner });
    store.startRun(run.id, { backend, ...owner });
    const speed = 0.02 + (i % 37) / 400;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const decay = Math.exp(-speed * epoch);
      const wobble = 0.01 * Math.sin(epoch * 0.7 + i);
      const trainLoss = 0.05 + 1.05 * decay + wobble;
      store.appendEpoch(run.id, {
        epoch,
        trainLoss,
        trainAcc: Math.min(1, 1 - 0.65 * decay),
        valLoss: trainLoss + 0.04 + 0.0004 * epoch,
        valAcc: Math.min(1, 0.97 - 0.6 * decay),
        testLoss: trainLoss + 0.05,
        testAcc: Math.min(1, 0.96 - 0.6 * decay),
        lr: learningRate,
        seconds: 0.002,
      });
    }
    store.finishRun(run.id, 'completed');
  }
  store.close();
  process.stdout.write(`${JSON.stringify({ runs: count, seconds: (performance.now() - started) / 1000 })}\n`);
}

main();
