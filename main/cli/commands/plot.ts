import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { RunEpochs, RunPoints } from '../../../common/api/contract';
import { X_AXES } from '../../../common/metrics/eval-points';
import {
  buildComparisonSeries,
  runsWithoutAxis,
  comparisonCsv,
  comparisonPanels,
  isMetricName,
  METRIC_LABELS,
  plottedComparison,
  xAxisTitle,
  yAxisTitle,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import type { CompareRun } from '../../../common/compare/differing-params';
import { parseSmoothing } from '../../../common/compare/smoothing';
import { UserInputError } from '../../../common/errors';
import { PLOT_SIZE_LIMITS, renderComparisonSvg } from '../../../common/plot/comparison-svg';
import { METRIC_NAMES, type MetricName } from '../../../common/types';
import { openContext, type GlobalOptions } from '../context';

export interface PlotOptions extends GlobalOptions {
  metric?: string[];
  out: string;
  x?: string;
  logY?: boolean;
  smoothing?: string;
  raw?: boolean;
  title?: string;
  width?: number;
  height?: number;
}

type PlotFormat = 'svg' | 'png' | 'csv';
const FORMATS: readonly PlotFormat[] = ['svg', 'png', 'csv'];

/** Repeatable `--metric`: each use adds one, and `--metric trainLoss,valLoss` adds both. */
export function collectMetric(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((m) => m.trim())];
}

/**
 * `workbench plot RUN… --out FILE`: the comparison figure (SVG or PNG) or its data (CSV) for the given runs,
 * the same figure the app exports. Every option is checked before the store is opened, and the file appears
 * whole or not at all.
 */
export async function plotCommand(runIds: string[], options: PlotOptions): Promise<number> {
  const out = resolve(options.out);
  const format = formatOf(options.out);
  checkOutputFolder(out);
  const spec: ComparisonSpec = {
    metrics: metricsOf(options.metric),
    x: axisOf(options.x),
    yScale: options.logY ? 'log' : 'linear',
    smoothing: smoothingOf(options.smoothing),
    showRaw: options.raw === true,
  };
  checkSize('--width', options.width);
  checkSize('--height', options.height);
  const { runs, epochs, points } = loadRuns(runIds, options);
  const stepless = runsWithoutAxis(spec.x, epochs, points);
  if (stepless.length > 0) {
    throw new UserInputError(
      `--x ${spec.x}: ${stepless.join(', ')} ${stepless.length === 1 ? 'was' : 'were'} recorded before runs logged their steps (use --x epoch or --x time)`,
    );
  }

  let data: string | Uint8Array;
  if (format === 'csv') {
    data = comparisonCsv(runs, epochs, spec, points);
  } else {
    const plotted = plottedComparison(spec, buildComparisonSeries(runs, epochs, spec, points));
    const missing = plotted.missing.map((m) => METRIC_LABELS[m]);
    if (plotted.missing.length === spec.metrics.length) {
      throw new UserInputError(
        `--metric: none of these runs logged ${missing.join(' or ')} (runs without a validation split log no validation metrics)`,
      );
    }
    for (const label of missing)
      process.stderr.write(`workbench: none of these runs logged ${label}; left out\n`);
    const svg = renderComparisonSvg(plotted.series, {
      title: options.title,
      xTitle: xAxisTitle(spec.x),
      yTitle: yAxisTitle(plotted.spec.metrics),
      // Loss and accuracy in panels of their own, as in the app's export.
      panels: comparisonPanels(plotted.spec.metrics),
      yScale: spec.yScale,
      width: options.width,
      height: options.height,
      showRaw: spec.showRaw,
    });
    data = format === 'svg' ? svg : await svgToPng(svg);
  }
  writeAtomically(out, data);
  process.stdout.write(`${out}\n`);
  return 0;
}

function formatOf(file: string): PlotFormat {
  const extension = extname(file).slice(1).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(extension)) {
    throw new UserInputError(
      `--out ${file}: unknown format "${extname(file) || '(no extension)'}" (expected a .svg, .png or .csv file)`,
    );
  }
  return extension as PlotFormat;
}

function checkOutputFolder(out: string): void {
  const folder = dirname(out);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UserInputError(`--out ${out}: folder ${folder} does not exist`);
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UserInputError(`--out ${out}: is a folder, expected a file name`);
  }
}

function metricsOf(names: readonly string[] | undefined): MetricName[] {
  const metrics = names && names.length > 0 ? names : ['valLoss'];
  for (const name of metrics) {
    if (!isMetricName(name)) {
      throw new UserInputError(
        `--metric: unknown metric "${name}" (expected one of ${METRIC_NAMES.join(', ')})`,
      );
    }
  }
  return [...new Set(metrics as MetricName[])];
}

function axisOf(x: string | undefined): ComparisonSpec['x'] {
  if (x === undefined) return 'epoch';
  if ((X_AXES as readonly string[]).includes(x)) return x as ComparisonSpec['x'];
  throw new UserInputError(`--x: expected one of ${X_AXES.join(', ')}, got "${x}"`);
}

/** The flag, not the field of the shared parser, is what the user typed: name it. */
function smoothingOf(text: string | undefined): ComparisonSpec['smoothing'] {
  try {
    return parseSmoothing(text ?? 'none');
  } catch (err) {
    if (!(err instanceof UserInputError)) throw err;
    throw new UserInputError(`--smoothing ${text}: ${err.message.replace(/^smoothing(\.\w+)?: /, '')}`);
  }
}

function checkSize(flag: string, value: number | undefined): void {
  if (value !== undefined && (value < PLOT_SIZE_LIMITS.min || value > PLOT_SIZE_LIMITS.max)) {
    throw new UserInputError(
      `${flag}: expected a size in px from ${PLOT_SIZE_LIMITS.min} to ${PLOT_SIZE_LIMITS.max}, got ${value}`,
    );
  }
}

/** Each id or unique prefix to its run; the same run named twice is plotted once. */
function loadRuns(
  runIds: readonly string[],
  options: GlobalOptions,
): { runs: CompareRun[]; epochs: RunEpochs[]; points: RunPoints[] } {
  const { store } = openContext(options);
  try {
    const runs = new Map<string, CompareRun>();
    for (const id of runIds) {
      const run = store.getRun(id);
      if (!run) throw new UserInputError(`${id}: no run with this id (see \`workbench runs\`)`);
      runs.set(run.id, { id: run.id, name: run.name, config: run.config, startedAt: run.startedAt });
    }
    const epochs = [...runs.keys()].map((runId) => ({ runId, epochs: store.getEpochs(runId) }));
    const points = [...runs.keys()].map((runId) => ({
      runId,
      schedule: store.getSchedule(runId),
      points: store.getPoints(runId),
    }));
    return { runs: [...runs.values()], epochs, points };
  } finally {
    store.close();
  }
}

/** Loaded on demand: a native module that only PNG output needs. Twice the SVG's size, for print. */
async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { font: { loadSystemFonts: true }, fitTo: { mode: 'zoom', value: 2 } })
    .render()
    .asPng();
}

/** Written beside the target and renamed over it, so that a reader never sees half a file. */
function writeAtomically(file: string, data: string | Uint8Array): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (err) {
    rmSync(temporary, { force: true });
    const reason = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    throw new UserInputError(`--out ${file}: cannot write the file (${reason})`);
  }
}
