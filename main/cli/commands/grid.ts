import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { formatConfigIssues } from '../../../common/config/config-issues';
import { UserInputError } from '../../../common/errors';
import { gridResultsCsv } from '../../../common/grid/results-csv';
import { describeCell, formatAxisValue } from '../../../common/grid/expand';
import type { GridCellResult, GridDetail } from '../../../common/grid/types';
import { isMetricName } from '../../../common/compare/comparison';
import type { MetricName } from '../../../common/types';
import { defaultCacheDir } from '../../app-paths';
import { APP_VERSION, trainingWorkerFile } from '../../build-info';
import { planGrid } from '../../services/grid-planner';
import { getGridDetail, listGridSummaries } from '../../services/grid-report';
import { findGridPresetFile, listGridPresetNames, readJsonFile } from '../../services/presets';
import { openRunServices, type RunServices } from '../../services/run-services';
import { openContext, resolveDbPath } from '../context';
import { fmt, pct, printJson, printTable } from '../output';
import {
  gridCollectCommand,
  gridResubmitCommand,
  gridSlurmCommand,
  gridTaskCommand,
  type GridSlurmOptions,
} from './grid-slurm';
import { gridPruneReplayCommand } from './grid-prune-replay';

export interface GridOptions extends GridSlurmOptions {
  /** prune-replay: the successive-halving or Hyperband setting, as JSON. */
  pruning?: string;
  /** prune-replay: these runs instead of a grid. */
  runs?: string[];
  json?: boolean;
  csv?: boolean;
  monitor?: string;
  workers?: number;
  /** Write the grid as a Slurm array job folder instead of training it here. */
  slurm?: boolean;
}

/**
 * `workbench grid GRID.json [--slurm] | show ID | resume ID | cancel ID | prune-replay ID | collect DIR |
 * resubmit DIR`, and
 * `grid task DIR`, which each Slurm array task runs. Returns the exit code.
 */
export async function gridCommand(
  target: string,
  id: string | undefined,
  options: GridOptions,
): Promise<number> {
  switch (target) {
    case 'show':
      return gridShowCommand(requireId(target, id), options);
    case 'resume':
      return gridResumeCommand(requireId(target, id), options);
    case 'cancel':
      return gridCancelCommand(requireId(target, id), options);
    case 'prune-replay':
      if (options.runs && id !== undefined)
        throw new UserInputError('grid prune-replay: give a grid id or --runs, not both');
      return gridPruneReplayCommand(options.runs ? null : requireId(target, id), options);
    case 'collect':
      return gridCollectCommand(requireDir(target, id), options);
    case 'resubmit':
      return gridResubmitCommand(requireDir(target, id), options);
    case 'task':
      return gridTaskCommand(requireDir(target, id), options);
    default:
      if (id !== undefined) throw new UserInputError(`grid: unexpected argument "${id}" after ${target}`);
      return gridRunCommand(target, options);
  }
}

function requireDir(verb: string, dir: string | undefined): string {
  if (!dir)
    throw new UserInputError(
      `grid ${verb}: expected a Slurm job folder (written by \`workbench grid GRID.json --slurm\`)`,
    );
  return dir;
}

function requireId(verb: string, id: string | undefined): string {
  if (!id) throw new UserInputError(`grid ${verb}: expected a grid id (see \`workbench grids\`)`);
  return id;
}

/** A grid file, or a bundled grid preset by name or unique prefix (`e5-grid-l2`, `e5-grid`). */
function resolveGridFile(spec: string): string {
  if (existsSync(spec)) return spec;
  const preset = findGridPresetFile(spec);
  if (preset) return preset;
  throw new UserInputError(
    `${spec}: no such file, and no grid preset of that name (grid presets: ${listGridPresetNames().join(', ')})`,
  );
}

function openServices(options: GridOptions): Promise<RunServices> {
  return openRunServices({
    dbPath: resolveDbPath(options),
    cacheDir: defaultCacheDir(),
    workerFile: trainingWorkerFile(),
    appVersion: APP_VERSION,
    maxWorkers: options.workers,
  });
}

function monitorOption(options: GridOptions): MetricName | undefined {
  if (options.monitor === undefined) return undefined;
  if (!isMetricName(options.monitor)) {
    throw new UserInputError(
      `--monitor: expected one of trainLoss, trainAcc, valLoss, valAcc, testLoss, testAcc (got "${options.monitor}")`,
    );
  }
  return options.monitor;
}

async function gridRunCommand(spec: string, options: GridOptions): Promise<number> {
  const file = resolveGridFile(spec);
  if (options.slurm) return gridSlurmCommand(file, options);
  const raw = readJsonFile(file);
  const services = await openServices(options);
  const plan = planGrid(raw, {
    checks: services.checks,
    store: services.store,
    workers: services.queue.workerCount,
  });
  if (!('grid' in plan)) {
    await services.close(0);
    throw new UserInputError(`${file}: grid refused: ${formatConfigIssues(plan.check.issues, 'grid')}`);
  }
  const gridId = services.queue.startGrid(plan.grid);
  if (!options.json) {
    process.stdout.write(
      `grid ${gridId} (${plan.grid.name}): ${plan.grid.cells.length} cells on ${services.queue.workerCount} worker(s)\n`,
    );
  }
  return driveGrid(services, gridId, options);
}

async function gridResumeCommand(id: string, options: GridOptions): Promise<number> {
  const services = await openServices(options);
  const grid = services.store.grids.findGrid(id);
  if (!grid) {
    await services.close(0);
    throw new UserInputError(`${id}: no grid with this id (see \`workbench grids\`)`);
  }
  if (grid.runner === 'slurm') {
    await services.close(0);
    const dir = grid.jobDir ?? 'DIR';
    throw new UserInputError(
      `grid ${grid.id} runs on Slurm: collect it with \`workbench grid collect ${dir}\`, submit its missing cells again with \`workbench grid resubmit ${dir}\``,
    );
  }
  const pending = services.queue.resumeGrid(grid.id);
  if (!options.json) {
    process.stdout.write(`grid ${grid.id} (${grid.name}): resuming, ${pending} cell(s) left to train\n`);
  }
  return driveGrid(services, grid.id, options);
}

/**
 * Trains the grid's cells in this process until none is left, with a progress bar (cells and epochs), or
 * one JSON line per finished cell. Ctrl-C stops after the current batch and leaves the grid resumable.
 */
async function driveGrid(services: RunServices, gridId: string, options: GridOptions): Promise<number> {
  const { queue, store } = services;
  const monitor = monitorOption(options);
  const detail = () => getGridDetail(store, gridId, queue.workerCount, monitor);
  const start = detail();
  const interactive = !options.json && process.stdout.isTTY === true;
  const bar = interactive
    ? new cliProgress.SingleBar(
        {
          format:
            '{name} [{bar}] cells {done}/{total} | running {running} | epochs {epochs}/{epochsTotal} | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const epochsTotal = start.results.reduce((a, r) => a + r.epochsPlanned, 0);
  bar?.start(start.cells, 0, {
    name: start.name,
    done: 0,
    total: start.cells,
    running: 0,
    epochs: 0,
    epochsTotal,
  });
  // Cells this process trains: another process driving the same grid reports its own.
  const mine = new Set<string>(queue.runIds());
  const reported = new Set<string>();
  // Rungs decided before this process started were reported by whoever ran them.
  const reportedRungs = new Set((start.pruning?.rungs ?? []).map(rungKey));

  // The grid is read back (every cell, every epoch) only when a cell settles; epochs just count, so the
  // bar costs nothing per epoch however large the grid.
  let epochs = start.results.reduce((a, r) => a + r.epochs, 0);
  let done = start.results.filter(isSettled).length;
  let running = start.results.filter((r) => r.status === 'running').length;
  const redraw = () => bar?.update(done, { done, running, epochs, epochsTotal });
  const report = () => {
    const now = detail();
    done = now.results.filter(isSettled).length;
    running = now.results.filter((r) => r.status === 'running').length;
    epochs = now.results.reduce((a, r) => a + r.epochs, 0);
    redraw();
    for (const rung of now.pruning?.rungs ?? []) {
      if (reportedRungs.has(rungKey(rung))) continue;
      reportedRungs.add(rungKey(rung));
      const line = options.json ? JSON.stringify({ gridId, rung }) : rungLine(now, rung);
      process.stdout.write(bar ? `\r\x1b[K${line}\n` : `${line}\n`);
    }
    for (const r of now.results) {
      if (!r.runId || !mine.has(r.runId) || !isSettled(r) || reported.has(r.runId)) continue;
      reported.add(r.runId);
      if (options.json) printJson(cellJson(gridId, r));
      else {
        const line = cellLine(now, r);
        if (bar) process.stdout.write(`\r\x1b[K${line}\n`);
        else process.stdout.write(`${line}\n`);
      }
    }
  };
  const unsubscribe = queue.subscribe({
    status: (runId, status) => {
      if (status === 'queued') mine.add(runId);
      if (status === 'running') {
        running += 1;
        redraw();
      } else if (status !== 'queued') report();
    },
    epoch: () => {
      epochs += 1;
      redraw();
    },
  });

  let stops = 0;
  const onSignal = () => {
    stops += 1;
    if (stops === 1) {
      process.stderr.write(
        `\nStopping after the current batch; the grid stays resumable: workbench grid resume ${gridId}\n`,
      );
      void queue.stopAll(60_000);
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await queue.gridIdle(gridId);
    report();
  } finally {
    unsubscribe();
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const end = detail();
  await services.close();
  const failed = end.results.filter((r) => r.status === 'failed' || r.status === 'diverged').length;
  if (options.json) {
    const pruning = end.pruning
      ? { epochsTrained: end.pruning.epochsTrained, epochsFull: end.pruning.epochsFull }
      : {};
    printJson({ gridId, status: end.status, cells: end.cells, counts: end.counts, ...pruning });
  } else {
    const pruned = end.pruning ? `, ${end.counts.pruned} pruned; ${epochsLine(end.pruning)}` : '';
    process.stdout.write(
      `grid ${gridId}: ${end.status}, ${end.counts.completed}/${end.cells} cells completed${pruned}` +
        `${failed ? `, ${failed} failed or diverged` : ''}; results: workbench grid show ${gridId.slice(0, 8)}\n`,
    );
  }
  if (stops > 0) return 130;
  // Another process resuming the same grid may still be training its last cells: nothing is left to start.
  const leftToStart = end.counts.pending + end.counts.interrupted;
  return failed === 0 && (end.status === 'completed' || leftToStart === 0) ? 0 : 1;
}

/** Done for now: a paused cell may be promoted and is reported when it ends for good. */
function isSettled(r: GridCellResult): boolean {
  return !['pending', 'queued', 'running', 'paused'].includes(r.status);
}

function rungKey(rung: { bracket: number; epoch: number }): string {
  return `${rung.bracket}:${rung.epoch}`;
}

/** "rung at epoch 2: 3 of 9 go on (cells 0, 4, 7); pruned 1, 2, 3, 5, 6, 8". */
function rungLine(grid: GridDetail, rung: NonNullable<GridDetail['pruning']>['rungs'][number]): string {
  const bracket = (grid.pruning?.brackets.length ?? 1) > 1 ? `bracket ${rung.bracket} ` : '';
  const reached = rung.kept.length + rung.pruned.length;
  const ended = rung.endedBefore.length > 0 ? `; ended before it: ${rung.endedBefore.join(', ')}` : '';
  return (
    `${bracket}rung at epoch ${rung.epoch}: ${rung.kept.length} of ${reached} go on (cell${rung.kept.length === 1 ? '' : 's'} ` +
    `${rung.kept.join(', ')}); pruned ${rung.pruned.join(', ') || 'none'}${ended}`
  );
}

/** "16 of 54 epochs trained (70.4 % saved)". */
function epochsLine(p: NonNullable<GridDetail['pruning']>): string {
  const saved = p.epochsFull === 0 ? 0 : 1 - p.epochsTrained / p.epochsFull;
  return `${p.epochsTrained} of ${p.epochsFull} epochs trained (${(saved * 100).toFixed(1)} % saved)`;
}

/** A cell's status with its rung: "pruned @2", "paused @2". */
function statusText(r: GridCellResult): string {
  if (r.status === 'pruned' && r.pruning?.prunedAt != null) return `pruned @${r.pruning.prunedAt}`;
  if (r.status === 'paused') return `paused @${r.epochs}`;
  return r.status;
}

function cellJson(gridId: string, r: GridCellResult) {
  return {
    gridId,
    index: r.index,
    values: r.values,
    runId: r.runId,
    status: r.status,
    bestEpoch: r.bestEpoch,
    ...(r.bestStep !== null ? { bestStep: r.bestStep } : {}),
    valLoss: r.atBest?.valLoss ?? null,
    valAcc: r.atBest?.valAcc ?? null,
    testLoss: r.atBest?.testLoss ?? null,
    testAcc: r.atBest?.testAcc ?? null,
    trainLoss: r.atBest?.trainLoss ?? null,
    trainAcc: r.atBest?.trainAcc ?? null,
    epochs: r.epochs,
    seed: r.seed,
    repeat: r.repeat,
    durationSeconds: r.durationSeconds,
    ...(r.pruning ? { pruning: r.pruning } : {}),
  };
}

function cellLine(grid: GridDetail, r: GridCellResult): string {
  const at = r.atBest;
  const parts = [`cell ${r.index} (${describeCell(grid.axes, r.values)})`, statusText(r)];
  if (at) {
    parts.push(`best ${grid.monitor} ${fmt(at[grid.monitor])} @${r.bestEpoch}`);
    if (at.valAcc !== null) parts.push(`val acc ${pct(at.valAcc)}`);
    if (at.testAcc !== null) parts.push(`test acc ${pct(at.testAcc)}`);
  }
  if (r.error) parts.push(r.error);
  return parts.join('  ');
}

function gridShowCommand(id: string, options: GridOptions): number {
  const { store } = openContext(options);
  try {
    const grid = store.grids.findGrid(id);
    if (!grid) throw new UserInputError(`${id}: no grid with this id (see \`workbench grids\`)`);
    const detail = getGridDetail(store, grid.id, 1, monitorOption(options));
    if (options.csv) {
      process.stdout.write(gridResultsCsv(detail));
      return 0;
    }
    if (options.json) {
      const { results, id: gridId, ...rest } = detail;
      printJson({ gridId, ...rest, cells: results.map((r) => ({ ...cellJson(gridId, r), final: r.final })) });
      return 0;
    }
    process.stdout.write(
      `Grid ${detail.id}  ${detail.name}\nstatus  ${detail.status}  (${countsLine(detail)})\n` +
        `axes    ${detail.axes.map((a) => `${a.label} = ${a.values.map(formatAxisValue).join(', ')}`).join('; ')}\n` +
        `monitor ${detail.monitor} (best epoch of each cell)\n` +
        (detail.pruning ? pruningText(detail, detail.pruning) : ''),
    );
    printTable(
      [
        'cell',
        ...detail.axes.map((a) => a.label),
        'status',
        `best ${detail.monitor}`,
        'epoch',
        'val acc',
        'test acc',
        'run',
      ],
      detail.results.map((r) => [
        r.index,
        ...detail.axes.map((a) => formatAxisValue(r.values[a.path])),
        statusText(r),
        fmt(r.atBest?.[detail.monitor]),
        r.bestEpoch ?? '–',
        pct(r.atBest?.valAcc),
        pct(r.atBest?.testAcc),
        r.runId ? r.runId.slice(0, 8) : '–',
      ]),
    );
    return 0;
  } finally {
    store.close();
  }
}

/** The pruning, its rungs so far and the epochs they saved, above the results table. */
function pruningText(grid: GridDetail, p: NonNullable<GridDetail['pruning']>): string {
  const kind = p.spec.kind === 'hyperband' ? 'Hyperband' : 'successive halving';
  const head =
    `pruning ${kind}, r = ${p.spec.minEpochs}, η = ${p.spec.reductionFactor}, by ${p.spec.monitor}, ` +
    `R = ${p.fullEpochs} epochs; ${epochsLine(p)}\n`;
  return head + p.rungs.map((rung) => `  ${rungLine(grid, rung)}\n`).join('');
}

function countsLine(detail: GridDetail): string {
  return Object.entries(detail.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

async function gridCancelCommand(id: string, options: GridOptions): Promise<number> {
  const services = await openServices({ ...options, workers: 1 });
  try {
    const grid = services.store.grids.findGrid(id);
    if (!grid) throw new UserInputError(`${id}: no grid with this id (see \`workbench grids\`)`);
    // Its cells train on the cluster: stopping them is Slurm's business, not this store's.
    if (grid.runner === 'slurm') {
      throw new UserInputError(
        `grid ${grid.id} runs on Slurm: cancel its array job there (\`scancel ${grid.slurmJobId ?? 'JOBID'}\`), ` +
          `then \`workbench grid collect ${grid.jobDir ?? 'DIR'}\``,
      );
    }
    const cancelled = services.queue.cancelGrid(grid.id);
    if (options.json) printJson({ gridId: grid.id, cancelled });
    else
      process.stdout.write(
        `grid ${grid.id}: cancelled (${cancelled} queued or running cell(s) asked to stop)\n`,
      );
    return 0;
  } finally {
    await services.close(0);
  }
}

/** `workbench grids`: every grid, newest first. */
export function gridsCommand(options: GridOptions): number {
  const { store } = openContext(options);
  try {
    const grids = listGridSummaries(store, 1);
    if (options.json) {
      printJson(grids);
      return 0;
    }
    if (grids.length === 0) {
      process.stdout.write(
        `No grids yet. Start one with \`workbench grid ${listGridPresetNames()[0] ?? 'GRID.json'}\`.\n`,
      );
      return 0;
    }
    printTable(
      ['id', 'name', 'status', 'cells', 'done', 'axes', 'created'],
      grids.map((g) => [
        g.id.slice(0, 8),
        g.name,
        g.status,
        g.cells,
        g.counts.completed + g.counts.failed + g.counts.diverged,
        g.axes.map((a) => `${a.label}×${a.values.length}`).join(' '),
        g.createdAt,
      ]),
    );
    return 0;
  } finally {
    store.close();
  }
}
