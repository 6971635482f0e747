import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageVersion } from '../../api/versions';
import { selectBackend } from '../../engine/backend/select-backend';
import { describeWorkerCount, recommendedWorkerCount } from '../../services/worker-count';
import { APP_VERSION } from '../../build-info';
import { openContext, type GlobalOptions } from '../context';
import { printJson } from '../output';
import type { BackendReport } from '../../../common/types';

const requireFromHere = createRequire(import.meta.url);

function electronBinaryInstalled(): boolean {
  try {
    return existsSync(join(dirname(requireFromHere.resolve('electron/package.json')), 'path.txt'));
  } catch {
    return false;
  }
}

/** On wasm: where the matrix products run (the platform's BLAS through the addon, or wasm kernels) and why. */
function matMulLines(backend: BackendReport): string[] {
  const matmul = backend.matmul;
  if (backend.chosen !== 'wasm' || !matmul) return [];
  if (matmul.path === 'blas') {
    return [`Matrix products: BLAS (${matmul.library ?? 'unknown library'})`, `  ${matmul.reason}`];
  }
  return [`Matrix products: wasm kernels (XNNPACK and our own), not BLAS: ${matmul.reason}`];
}

export async function doctorCommand(options: GlobalOptions & { json?: boolean }): Promise<number> {
  const ctx = openContext(options);
  const backend = await selectBackend('auto');
  const sqliteVersion = ctx.store.sqliteVersion();
  const runCount = ctx.store.listRuns().length;
  ctx.store.close();
  const report = {
    appVersion: APP_VERSION,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cores: availableParallelism(),
    backend,
    trainingWorkers: recommendedWorkerCount(backend.chosen, availableParallelism()),
    versions: {
      '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
      '@tensorflow/tfjs-backend-cpu': packageVersion('@tensorflow/tfjs-backend-cpu'),
      '@tensorflow/tfjs-node': packageVersion('@tensorflow/tfjs-node'),
      '@tensorflow/tfjs-node-gpu': packageVersion('@tensorflow/tfjs-node-gpu'),
      'better-sqlite3': packageVersion('better-sqlite3'),
      sqlite: sqliteVersion,
      electron: packageVersion('electron'),
    },
    electronBinary: electronBinaryInstalled(),
    db: { path: ctx.dbPath, runs: runCount, recoveredInterrupted: ctx.recovered.length },
    cacheDir: ctx.cacheDir,
  };
  if (options.json) {
    printJson(report);
    return 0;
  }
  const lines = [
    `Experiment Workbench ${APP_VERSION} on Node ${report.node} (${report.platform}, ${report.cores} cores)`,
    '',
    `Compute backend: ${backend.chosen} (${backend.candidates.find((c) => c.name === backend.chosen)?.package ?? backend.tfjsBackend} ${backend.version})`,
    ...backend.candidates.map(
      (c) =>
        `  ${c.name === backend.chosen ? '✓' : c.loaded ? '·' : '✗'} ${c.name.padEnd(15)} ${c.package.padEnd(32)} ${c.name === backend.chosen ? 'in use' : (c.reason ?? '')}`,
    ),
    ...matMulLines(backend),
    `Training workers: ${describeWorkerCount(backend.chosen, report.cores)}`,
    '',
    `Database: ${ctx.dbPath} (${runCount} run${runCount === 1 ? '' : 's'}; SQLite ${sqliteVersion}, better-sqlite3 ${report.versions['better-sqlite3']})`,
    `Cache:    ${ctx.cacheDir}`,
    `Electron: ${report.electronBinary ? `installed (${report.versions.electron})` : 'binary not installed: `npm start` opens the workbench in your browser instead (`workbench serve`)'}`,
  ];
  if (ctx.recovered.length > 0) {
    lines.push(`Marked ${ctx.recovered.length} run(s) left running by a dead process as interrupted.`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
