import cliProgress from 'cli-progress';
import { formatConfigIssues } from '../../../common/config/config-issues';
import { runConfigSchema } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import type { EpochMetrics } from '../../../common/types';
import { APP_VERSION, trainingWorkerFile } from '../../build-info';
import { defaultCacheDir } from '../../app-paths';
import { checkResolvedConfig } from '../../services/config-check';
import { openRunServices } from '../../services/run-services';
import { loadConfigFile, type ConfigOverrides } from '../config-file';
import { resolveDbPath, type GlobalOptions } from '../context';
import { fmt, fmtLr, printJson } from '../output';

export interface RunOptions extends GlobalOptions, ConfigOverrides {
  json?: boolean;
  workers?: number;
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const parts = [
    `epoch ${String(m.epoch).padStart(String(epochs).length)}/${epochs}`,
    `train loss ${fmt(m.trainLoss)} acc ${fmt(m.trainAcc)}`,
  ];
  if (m.valLoss !== null) parts.push(`val loss ${fmt(m.valLoss)} acc ${fmt(m.valAcc)}`);
  if (m.testLoss !== null) parts.push(`test loss ${fmt(m.testLoss)} acc ${fmt(m.testAcc)}`);
  parts.push(`lr ${fmtLr(m.lr)}`, `${m.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

/** `workbench run CONFIG`: trains one run in a worker thread and shows its progress. Returns the exit code. */
export async function runCommand(spec: string, options: RunOptions): Promise<number> {
  const { file, config } = loadConfigFile(spec, runConfigSchema, options);
  const services = await openRunServices({
    dbPath: resolveDbPath(options),
    cacheDir: defaultCacheDir(),
    workerFile: trainingWorkerFile(),
    appVersion: APP_VERSION,
    maxWorkers: options.workers ?? 1,
  });
  // The same full check as runs.start: the dataset, the split, the backend the config asks for, the shapes.
  const check = checkResolvedConfig(config, services.checks);
  if (!check.ok) {
    await services.close(0);
    throw new UserInputError(`${file}: ${formatConfigIssues(check.issues)}`);
  }
  const service = services.queue;
  const epochs = config.training.epochs;
  const interactive = !options.json && process.stdout.isTTY === true;
  const multibar = interactive
    ? new cliProgress.MultiBar(
        {
          format:
            '{name} [{bar}] {percentage}% | epoch {epoch}/{epochs} | batch {batch}/{batches} | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 200,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bar = multibar?.create(epochs, 0, { name: config.name, epoch: 0, epochs, batch: 0, batches: 0 });

  const { runId, done } = service.submit(config, check.dataset.fingerprint);
  let cancelRequests = 0;
  const onSignal = () => {
    cancelRequests += 1;
    if (cancelRequests === 1) {
      process.stderr.write('\nStopping after the current batch (Ctrl-C again to quit at once)…\n');
      service.cancel(runId);
    } else {
      // The run stays "running" in the DB; the next start marks it interrupted, keeping its epochs.
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const unsubscribe = service.subscribe({
    started(id, backend, trainExamples) {
      if (id !== runId || options.json) return;
      const line = `run ${runId} (${config.name}) on ${backend.chosen}, ${trainExamples} training examples, ${epochs} epochs`;
      if (multibar) multibar.log(line + '\n');
      else process.stdout.write(line + '\n');
    },
    progress(id, epoch, batch, batches) {
      if (id !== runId || !bar) return;
      bar.update(epoch - 1 + batch / batches, { epoch, batch, batches });
    },
    epoch(id, metrics) {
      if (id !== runId) return;
      if (options.json) printJson({ runId, ...metrics });
      else if (multibar) multibar.log(epochLine(metrics, epochs) + '\n');
      else process.stdout.write(epochLine(metrics, epochs) + '\n');
      bar?.update(metrics.epoch);
    },
  });

  const result = await done;
  unsubscribe();
  multibar?.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // A live early stop is recorded with the run; say where it stopped and which epoch stands for it.
  const earlyStop = services.store.getRun(runId)?.earlyStop ?? null;
  await services.close();

  if (options.json) {
    printJson({
      runId,
      status: result.status,
      epochs: result.epochs,
      ...(result.error ? { error: result.error } : {}),
      ...(earlyStop ? { earlyStop } : {}),
    });
  } else {
    process.stdout.write(`run ${runId}: ${result.status} after ${result.epochs} epoch(s)\n`);
    if (earlyStop) process.stdout.write(`stopped early (${earlyStop.rule}): ${earlyStop.reason}\n`);
    if (result.error) process.stderr.write(`${result.error}\n`);
  }
  return result.status === 'completed'
    ? 0
    : result.status === 'cancelled'
      ? 130
      : result.status === 'diverged'
        ? 3
        : 1;
}
