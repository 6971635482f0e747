import cliProgress from 'cli-progress';
import type { EpochMetrics, EvalPoint } from '../../../common/types';
import type { RunServices } from '../../services/run-services';
import type { TrainingTaskResult } from '../../services/worker/messages';
import { fmt, fmtLr, printJson } from '../output';

export interface WatchOptions {
  json?: boolean;
  /** What the progress line calls the run. */
  name: string;
  /** The epoch training stops at (a fork's and a resume's count with the epochs before them). */
  epochs: number;
  /** Epochs already logged before this start (a resume's, a fork's parent's): the bar starts there. */
  fromEpoch?: number;
  /** One line said once the run started, e.g. "resumed from epoch 12". */
  startNote?: string;
}

export function epochLine(m: EpochMetrics, epochs: number): string {
  const parts = [
    `epoch ${String(m.epoch).padStart(String(epochs).length)}/${epochs}`,
    `train loss ${fmt(m.trainLoss)} acc ${fmt(m.trainAcc)}`,
  ];
  if (m.valLoss !== null) parts.push(`val loss ${fmt(m.valLoss)} acc ${fmt(m.valAcc)}`);
  if (m.testLoss !== null) parts.push(`test loss ${fmt(m.testLoss)} acc ${fmt(m.testAcc)}`);
  parts.push(`lr ${fmtLr(m.lr)}`, `${m.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

/** "  step 10000 (epoch 0.20/5)  train loss …": a point inside an epoch, indented under the epoch lines. */
export function pointLine(p: EvalPoint, epochs: number): string {
  const parts = [
    `  step ${p.step} (epoch ${p.epoch.toFixed(2)}/${epochs})`,
    `train loss ${fmt(p.trainLoss)} acc ${fmt(p.trainAcc)}`,
  ];
  if (p.valLoss !== null) parts.push(`val loss ${fmt(p.valLoss)} acc ${fmt(p.valAcc)}`);
  if (p.testLoss !== null) parts.push(`test loss ${fmt(p.testLoss)} acc ${fmt(p.testAcc)}`);
  return parts.join('  ');
}

/**
 * Shows a queued run's progress until it ends (epoch lines, a bar on a terminal, JSON lines with --json),
 * turns Ctrl-C into a cancel (twice: quit at once; the run is then interrupted and resumable), and prints
 * the outcome. Returns the exit code: 0 completed, 130 cancelled, 3 diverged, 1 otherwise.
 */
export async function watchRun(
  services: RunServices,
  runId: string,
  done: Promise<TrainingTaskResult>,
  options: WatchOptions,
): Promise<number> {
  const service = services.queue;
  const { epochs, name } = options;
  const from = options.fromEpoch ?? 0;
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
  const bar = multibar?.create(epochs, from, { name, epoch: from, epochs, batch: 0, batches: 0 });
  const say = (line: string) => (multibar ? multibar.log(line + '\n') : process.stdout.write(line + '\n'));

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
      const path = backend.matmul ? ` (matrix products: ${backend.matmul.path})` : '';
      say(
        `run ${runId} (${name}) on ${backend.chosen}${path}, ${trainExamples} training examples, ${epochs} epochs`,
      );
      if (options.startNote) say(options.startNote);
    },
    progress(id, epoch, batch, batches) {
      if (id !== runId || !bar) return;
      bar.update(epoch - 1 + batch / batches, { epoch, batch, batches });
    },
    point(id, point) {
      if (id !== runId) return;
      if (options.json) printJson({ runId, kind: 'point', ...point });
      else say(pointLine(point, epochs));
    },
    epoch(id, metrics) {
      if (id !== runId) return;
      if (options.json) printJson({ runId, ...metrics });
      else say(epochLine(metrics, epochs));
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
