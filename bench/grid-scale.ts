/**
 * What a grid's user waits for (issue 14): a whole E2 epoch as trainRun logs it (training steps and the
 * evaluation of all three splits) on the BLAS path and on wasm alone, against numpy on one thread doing the
 * same work; a run's fixed cost through the real RunQueue and training pool (queued → first batch, last epoch →
 * final status) over a 48-cell Iris grid; grid cells per minute with 1 and 2 workers on a small MNIST grid;
 * and the memory a worker keeps across the cells of a 48-cell Iris grid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../common/config/run-config';
import { computeSplit } from '../common/datasets/split';
import type { LoadedDataset } from '../main/datasets/types';
import { planGrid } from '../main/services/grid-planner';
import { RunQueue } from '../main/services/run-queue';
import { TrainingService } from '../main/services/training-service';
import { RunStore } from '../main/store/run-store';
import { runInWorkers } from './engine-runs';
import { peerEnv, runPeer } from './peers';
import type { CellMemory, RunTimeline } from './protocol';
import type { Quiet } from './quiet';
import { fmtInt, fmtRatio, type Target } from './report';
import { median } from './stats';

type Log = (line: string) => void;

export interface GridPlan {
  /** E2 epochs per run (the first is a warm-up and left out) and runs per configuration. */
  epoch: { epochs: number; reps: number };
  /** The Iris grid through the queue (fixed cost) and in one thread (memory). */
  iris: { cells: number; epochs: number; memoryEpochs: number };
  /** The MNIST grid, once with 1 worker and once with 2 per repetition. */
  mnist: { cells: number; epochs: number; trainRows: number; reps: number };
}

export const GRID_TARGETS = {
  epochVsNumpyBlas: 0.8,
  epochVsNumpyWasm: 0.5,
  fixedCostMs: 300,
  cellsScaling: 1.8,
};

export interface EpochRow {
  label: string;
  kind: 'blas' | 'wasm' | 'numpy';
  /** Each run's epochs past the first, in s. */
  epochS: number[];
  trainS: number[];
  evalS: number[];
  trainRows: number;
  /** Why there is no value. */
  skipped?: string;
}

export interface CellTiming {
  queuedToFirstBatchMs: number;
  trainingMs: number;
  lastEpochToFinalMs: number;
  /** queued → the worker's 'started' (backend selected, dataset loaded and split, run marked running). */
  queuedToStartedMs: number;
}

export interface QueueGridResult {
  workers: number;
  cells: CellTiming[];
  wallMs: number;
}

export interface GridScaleResults {
  epochRows: EpochRow[];
  iris: QueueGridResult | { skipped: string };
  mnist: { one: QueueGridResult[]; two: QueueGridResult[] } | { skipped: string };
  memory: CellMemory[] | { skipped: string };
  plan: GridPlan;
}

export interface GridContext {
  benchWorkerFile: string;
  productWorkerFile: string | null;
  productWorkerProblem: string | null;
  root: string;
  tmp: string;
  python: string;
  peersDir: string;
  mnistDir: string;
  numpy: boolean;
  mnist: LoadedDataset;
  iris: LoadedDataset;
  presets: { mlp: RunConfigInput; iris: RunConfigInput };
  plan: GridPlan;
  log: Log;
  quiet: Quiet;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

// ---- E2 epoch as logged ---------------------------------------------------------------------------------

/** The split's rows of the MNIST dataset as int32 little endian files (numpy's '<i4'). */
function splitRowFiles(ctx: GridContext, config: RunConfig): Record<'train' | 'validation' | 'test', string> {
  const split = computeSplit(
    ctx.mnist.y.length,
    ctx.mnist.info.officialTest,
    config.dataset.split,
    config.dataset.shuffleSeed,
  );
  const write = (name: string, rows: Int32Array) => {
    const file = join(ctx.tmp, `e2-epoch-${name}.i32`);
    writeFileSync(file, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    return file;
  };
  return {
    train: write('train', split.train),
    validation: write('validation', split.validation),
    test: write('test', split.test),
  };
}

/** Epochs 2… of one engine run: as logged, and split into the steps and the evaluation after them. */
function epochParts(timeline: RunTimeline): { epochS: number[]; trainS: number[]; evalS: number[] } {
  const out = { epochS: [] as number[], trainS: [] as number[], evalS: [] as number[] };
  timeline.epochSeconds.forEach((seconds, i) => {
    if (i === 0) return;
    const epoch = i + 1;
    const lastStep = timeline.stamps.filter((s) => s.epoch === epoch).at(-1);
    // trainRun takes an epoch's time just before onEpoch, where epochEnds is stamped.
    const evalS = lastStep === undefined ? NaN : (timeline.epochEnds[i] - lastStep.t) / 1000;
    out.epochS.push(seconds);
    out.evalS.push(evalS);
    out.trainS.push(seconds - evalS);
  });
  return out;
}

interface NumpyEpochs {
  epochSeconds: number[];
  trainSeconds: number[];
  evalSeconds: number[];
  trainRows: number;
}

async function measureEpochRows(ctx: GridContext): Promise<EpochRow[]> {
  const { epochs, reps } = ctx.plan.epoch;
  const input: RunConfigInput = {
    ...ctx.presets.mlp,
    backend: 'wasm',
    training: { ...ctx.presets.mlp.training, epochs },
  };
  const config = runConfigSchema.parse(input);
  const trainRows = config.dataset.split.train;
  const rows: EpochRow[] = [
    {
      label: 'Workbench wasm + BLAS addon, 1 worker',
      kind: 'blas',
      epochS: [],
      trainS: [],
      evalS: [],
      trainRows,
    },
    {
      label: 'Workbench wasm alone (WORKBENCH_BLAS=off), 1 worker',
      kind: 'wasm',
      epochS: [],
      trainS: [],
      evalS: [],
      trainRows,
    },
    { label: 'numpy + OpenBLAS, 1 thread', kind: 'numpy', epochS: [], trainS: [], evalS: [], trainRows },
  ];
  const [blasRow, wasmRow, numpyRow] = rows;
  if (!ctx.numpy) numpyRow.skipped = 'numpy not installed';
  let numpySpec: string | null = null;
  if (ctx.numpy) {
    const files = splitRowFiles(ctx, config);
    numpySpec = join(ctx.tmp, 'e2-epoch.json');
    writeFileSync(
      numpySpec,
      JSON.stringify({
        images: ['train', 't10k'].map((p) => join(ctx.mnistDir, `${p}-images-idx3-ubyte`)),
        labels: ['train', 't10k'].map((p) => join(ctx.mnistDir, `${p}-labels-idx1-ubyte`)),
        indices: files.train,
        evaluate: files,
        epochs,
        seed: config.seed,
        model: config.model,
        training: config.training,
      }),
    );
  }
  for (let rep = 1; rep <= reps; rep++) {
    for (const row of [blasRow, wasmRow]) {
      if (row.skipped) continue;
      const env: Record<string, string> = row.kind === 'wasm' ? { WORKBENCH_BLAS: 'off' } : {};
      const [outcome] = await ctx.quiet.run('grid', `E2 epochs, ${row.label}, rep ${rep}`, () =>
        runInWorkers(ctx.benchWorkerFile, [{ kind: 'epochs', config: input }], env),
      );
      if (row.kind === 'blas' && outcome.backend.matmul?.path !== 'blas') {
        row.skipped = `the BLAS addon is not in use here (${outcome.backend.matmul?.reason ?? 'unknown'})`;
        ctx.log(`E2 epoch, ${row.label}: skipped: ${row.skipped}`);
        continue;
      }
      if (!outcome.timeline) throw new Error('the E2 epoch run returned no timeline');
      const parts = epochParts(outcome.timeline);
      row.epochS.push(...parts.epochS);
      row.trainS.push(...parts.trainS);
      row.evalS.push(...parts.evalS);
      ctx.log(`E2 epoch, ${row.label}, rep ${rep}: ${parts.epochS.map((s) => s.toFixed(2)).join(', ')} s`);
    }
    if (numpySpec !== null && !numpyRow.skipped) {
      const spec = numpySpec;
      const result = await ctx.quiet.run('grid', `E2 epochs, numpy, rep ${rep}`, () =>
        runPeer<NumpyEpochs>(
          ctx.python,
          ctx.peersDir,
          'numpy_mlp.py',
          [spec],
          peerEnv({ OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }),
        ),
      );
      if (!result.ok) {
        numpyRow.skipped = `failed: ${result.reason}`;
        ctx.log(`E2 epoch, numpy: ${numpyRow.skipped}`);
        continue;
      }
      numpyRow.epochS.push(...result.value.epochSeconds.slice(1));
      numpyRow.trainS.push(...result.value.trainSeconds.slice(1));
      numpyRow.evalS.push(...result.value.evalSeconds.slice(1));
      ctx.log(
        `E2 epoch, numpy 1 thread, rep ${rep}: ${result.value.epochSeconds
          .slice(1)
          .map((s) => s.toFixed(2))
          .join(', ')} s`,
      );
    }
  }
  return rows;
}

// ---- grids through the queue ----------------------------------------------------------------------------

interface Stamps {
  error?: string;
  queued?: number;
  started?: number;
  firstBatch?: number;
  lastEpoch?: number;
  final?: number;
}

/** A grid spec through planGrid and the RunQueue with a fresh pool of `workers` product workers. */
async function queueGrid(ctx: GridContext, spec: unknown, workers: number): Promise<QueueGridResult> {
  if (ctx.productWorkerFile === null) throw new Error(ctx.productWorkerProblem ?? 'no product worker');
  const dir = join(ctx.tmp, `grid-${Date.now()}-${workers}`);
  const dbPath = join(dir, 'runs.db');
  mkdirSync(dir, { recursive: true });
  const store = RunStore.open(dbPath);
  const cacheDir = join(ctx.tmp, 'cache');
  const training = new TrainingService({
    store,
    dbPath,
    cacheDir,
    workerFile: ctx.productWorkerFile,
    maxWorkers: workers,
  });
  const queue = new RunQueue({ store, training, appVersion: 'bench' });
  const stamps = new Map<string, Stamps>();
  const at = (id: string) => {
    let s = stamps.get(id);
    if (!s) stamps.set(id, (s = {}));
    return s;
  };
  queue.subscribe({
    status(id, status, error) {
      const s = at(id);
      if (status === 'queued') s.queued = performance.now();
      else if (status !== 'running') {
        s.final = performance.now();
        s.error = error;
      }
    },
    started(id) {
      at(id).started = performance.now();
    },
    progress(id) {
      const s = at(id);
      s.firstBatch ??= performance.now();
    },
    epoch(id) {
      at(id).lastEpoch = performance.now();
    },
  });
  try {
    const plan = planGrid(spec, {
      checks: { datasets: store, cacheDir, availableBackends: ['wasm', 'cpu'], candidates: [] },
      store,
      workers,
    });
    if (!('grid' in plan)) {
      throw new Error(`grid refused: ${plan.check.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    }
    const started = performance.now();
    const gridId = queue.startGrid(plan.grid);
    await queue.gridIdle(gridId);
    const wallMs = performance.now() - started;
    const runs = new Map(store.grids.gridRuns(gridId).map((run) => [run.id, run]));
    const cells: CellTiming[] = [];
    // In the order the cells were handed to a worker: the first one met a new worker.
    const queuedOrder = [...stamps.entries()].sort((a, b) => (a[1].queued ?? 0) - (b[1].queued ?? 0));
    for (const [id, s] of queuedOrder) {
      const run = runs.get(id);
      if (!run) continue;
      if (run.status !== 'completed' || s.queued === undefined || s.final === undefined) {
        throw new Error(`grid cell ${id} ended ${run.status}${s.error ? `: ${s.error}` : ''}`);
      }
      const first = s.firstBatch ?? NaN;
      const last = s.lastEpoch ?? NaN;
      cells.push({
        queuedToFirstBatchMs: first - s.queued,
        trainingMs: last - first,
        lastEpochToFinalMs: s.final - last,
        queuedToStartedMs: (s.started ?? NaN) - s.queued,
      });
    }
    if (cells.length !== runs.size) throw new Error(`${runs.size - cells.length} grid cells sent no events`);
    return { workers, cells, wallMs };
  } finally {
    queue.dispose();
    await training.close();
    store.close();
  }
}

function irisSpec(ctx: GridContext, cells: number, epochs: number): unknown {
  const seeds = 4;
  return {
    name: `bench: Iris, ${cells} cells`,
    base: { ...ctx.presets.iris, backend: 'wasm', training: { ...ctx.presets.iris.training, epochs } },
    axes: [
      { path: 'training.learningRate', range: { min: 0.003, max: 0.3, count: cells / seeds, scale: 'log' } },
      { path: 'seed', values: Array.from({ length: seeds }, (_, i) => i + 1) },
    ],
  };
}

function mnistSpec(ctx: GridContext): unknown {
  const { cells, epochs, trainRows } = ctx.plan.mnist;
  const seeds = 2;
  return {
    name: `bench: MNIST MLP, ${cells} cells`,
    base: {
      ...ctx.presets.mlp,
      name: 'bench MNIST cell',
      backend: 'wasm',
      dataset: {
        ...ctx.presets.mlp.dataset,
        split: { train: trainRows, validation: trainRows / 4, test: trainRows / 4 },
      },
      training: { ...ctx.presets.mlp.training, epochs },
    },
    axes: [
      { path: 'training.learningRate', range: { min: 1e-6, max: 1e-4, count: cells / seeds, scale: 'log' } },
      { path: 'seed', values: Array.from({ length: seeds }, (_, i) => i + 1) },
    ],
  };
}

/** The Iris grid's configs, for the memory measurement in one thread. */
function irisConfigs(ctx: GridContext, cells: number, epochs: number): RunConfigInput[] {
  const seeds = 4;
  const rates = Array.from({ length: cells / seeds }, (_, i) => 0.003 * 100 ** (i / (cells / seeds - 1)));
  return rates.flatMap((learningRate) =>
    Array.from({ length: seeds }, (_, s) => ({
      ...ctx.presets.iris,
      seed: s + 1,
      backend: 'wasm' as const,
      training: { ...ctx.presets.iris.training, epochs, learningRate },
    })),
  );
}

export async function measureGridScale(ctx: GridContext): Promise<GridScaleResults> {
  const { plan, log } = ctx;
  log('Grid scale: E2 epoch as logged (train + evaluate train, validation, test), 1 worker:');
  const epochRows = await measureEpochRows(ctx);

  let iris: GridScaleResults['iris'];
  let mnist: GridScaleResults['mnist'];
  if (ctx.productWorkerFile === null) {
    const skipped = `no product worker: ${ctx.productWorkerProblem ?? 'unknown'}`;
    iris = { skipped };
    mnist = { skipped };
  } else {
    try {
      iris = await ctx.quiet.run('grid', `Iris grid of ${plan.iris.cells} cells, 1 worker`, () =>
        queueGrid(ctx, irisSpec(ctx, plan.iris.cells, plan.iris.epochs), 1),
      );
      const cells = iris.cells;
      log(
        `Iris grid, ${cells.length} cells through the queue, 1 worker: ${(iris.wallMs / 1000).toFixed(1)} s; ` +
          `queued → first batch median ${median(cells.map((c) => c.queuedToFirstBatchMs)).toFixed(0)} ms, ` +
          `last epoch → final status median ${median(cells.map((c) => c.lastEpochToFinalMs)).toFixed(0)} ms`,
      );
    } catch (error) {
      iris = { skipped: message(error) };
      log(`Iris grid: not measured: ${iris.skipped}`);
    }
    try {
      const one: QueueGridResult[] = [];
      const two: QueueGridResult[] = [];
      for (let rep = 1; rep <= plan.mnist.reps; rep++) {
        for (const workers of [1, 2]) {
          const result = await ctx.quiet.run(
            'grid',
            `MNIST grid of ${plan.mnist.cells} cells, ${workers} worker(s), rep ${rep}`,
            () => queueGrid(ctx, mnistSpec(ctx), workers),
          );
          (workers === 1 ? one : two).push(result);
          log(
            `MNIST grid, ${plan.mnist.cells} cells, ${workers} worker${workers > 1 ? 's' : ''}, rep ${rep}: ` +
              `${(result.wallMs / 1000).toFixed(1)} s = ${cellsPerMinute(result).toFixed(1)} cells/min`,
          );
        }
      }
      mnist = { one, two };
    } catch (error) {
      mnist = { skipped: message(error) };
      log(`MNIST grid: not measured: ${mnist.skipped}`);
    }
  }

  let memory: GridScaleResults['memory'];
  try {
    const dbPath = join(ctx.tmp, 'memory.db');
    const [outcome] = await ctx.quiet.run('grid', `memory over 2 × ${plan.iris.cells} Iris cells`, () =>
      runInWorkers(ctx.benchWorkerFile, [
        {
          kind: 'cells',
          // The grid twice: the first warms the worker up (V8 optimises and caches for some 50 cells), the
          // second is measured: a worker's steady state from one grid to the next.
          configs: [
            ...irisConfigs(ctx, plan.iris.cells, plan.iris.memoryEpochs),
            ...irisConfigs(ctx, plan.iris.cells, plan.iris.memoryEpochs),
          ],
          dbPath,
          cacheDir: join(ctx.tmp, 'cache'),
          datasetFingerprint: ctx.iris.info.fingerprint,
        },
      ]),
    );
    memory = outcome.cells ?? { skipped: 'the worker returned nothing' };
    if (Array.isArray(memory)) {
      const g = memoryGrowth(memory, plan.iris.cells);
      log(
        `Memory over cells ${g.from}–${g.to} (the grid's second pass in one worker): tensors ` +
          `${g.tensors >= 0 ? '+' : ''}${g.tensors}, V8 heap (lower envelope) ${signedMb(g.heapBytes)} ` +
          `(first pass ${signedMb(g.warmUpHeapBytes)}), wasm memory ${signedMb(g.wasmBytes)}; V8 heap per cell, MB: ` +
          memory.map((c) => (c.heapUsed / 2 ** 20).toFixed(2)).join(' '),
      );
    }
  } catch (error) {
    memory = { skipped: message(error) };
    log(`Memory over Iris cells: not measured: ${memory.skipped}`);
  }
  return { epochRows, iris, mnist, memory, plan };
}

// ---- summaries, targets and the report ------------------------------------------------------------------

export function cellsPerMinute(r: QueueGridResult): number {
  return r.cells.length / (r.wallMs / 60_000);
}

const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 2 ** 20).toFixed(2)} MB`;

/** Cells at each end of the measured grid whose lowest heap is compared (the heap after a full GC saw-tooths). */
const HEAP_ENVELOPE_CELLS = 12;

/**
 * Over the second of the two grids (cells gridCells + 1 … 2 × gridCells): the change in tensors and wasm
 * memory from its start to its end, and the growth of the V8 heap's lower envelope: the lowest heap of its last
 * HEAP_ENVELOPE_CELLS cells minus the lowest of its first ones. One cell's heap after a full GC wanders by some
 * 0.5 MB (V8's own caches and code saw-tooth), its lower envelope by well under 0.1 MB once warm.
 */
export function memoryGrowth(
  cells: CellMemory[],
  gridCells: number,
): {
  from: number;
  to: number;
  tensors: number;
  heapBytes: number;
  wasmBytes: number;
  /** The same envelope growth over the first (warm-up) grid. */
  warmUpHeapBytes: number;
} {
  const measured = cells.length >= 2 * gridCells ? cells.slice(gridCells) : cells;
  const first = cells.length >= 2 * gridCells ? cells.slice(0, gridCells) : cells;
  const start = cells.length >= 2 * gridCells ? cells[gridCells - 1] : cells[0];
  const last = measured[measured.length - 1];
  const envelope = (xs: CellMemory[]) => {
    const n = Math.min(HEAP_ENVELOPE_CELLS, Math.floor(xs.length / 2));
    const low = (part: CellMemory[]) => Math.min(...part.map((c) => c.heapUsed));
    return n === 0 ? 0 : low(xs.slice(-n)) - low(xs.slice(0, n));
  };
  return {
    from: cells.length - measured.length + 1,
    to: cells.length,
    tensors: last.numTensors - start.numTensors,
    heapBytes: envelope(measured),
    wasmBytes: last.wasmHeapBytes - start.wasmHeapBytes,
    warmUpHeapBytes: envelope(first),
  };
}

const epochMedian = (row: EpochRow | undefined) =>
  row === undefined || row.skipped || row.epochS.length === 0 ? NaN : median(row.epochS);

/**
 * Envelope growth over a whole grid under this is not counted: V8 settling. A run that kept 5 KB alive (its
 * Iris data and model) would add 0.23 MB over 48 cells.
 */
const HEAP_NOISE_BYTES = 0.2 * 2 ** 20;

export function gridTargets(r: GridScaleResults): Target[] {
  const t = GRID_TARGETS;
  const byKind = (kind: EpochRow['kind']) => r.epochRows.find((row) => row.kind === kind);
  const numpy = byKind('numpy');
  const numpyS = epochMedian(numpy);
  const targets: Target[] = [];
  for (const [kind, goal, text] of [
    [
      'blas',
      t.epochVsNumpyBlas,
      `E2 epoch as logged, 1 worker, BLAS addon ≥ ${t.epochVsNumpyBlas}× numpy (1 thread)`,
    ],
    [
      'wasm',
      t.epochVsNumpyWasm,
      `E2 epoch as logged, 1 worker, wasm alone ≥ ${t.epochVsNumpyWasm}× numpy (1 thread)`,
    ],
  ] as const) {
    const row = byKind(kind);
    const s = epochMedian(row);
    if (row?.skipped || Number.isNaN(s)) {
      targets.push({ text, pass: null, detail: `not measured: ${row?.skipped ?? 'no runs'}` });
    } else if (Number.isNaN(numpyS)) {
      targets.push({ text, pass: null, detail: `not checked: numpy ${numpy?.skipped ?? 'not measured'}` });
    } else {
      const ratio = numpyS / s;
      targets.push({
        text,
        pass: ratio >= goal,
        detail:
          `${s.toFixed(2)} s vs ${numpyS.toFixed(2)} s per epoch (${fmtInt(row!.trainRows / s)} vs ` +
          `${fmtInt(row!.trainRows / numpyS)} samples/s) = ${fmtRatio(ratio)}`,
      });
    }
  }
  const fixedText = `a run's fixed cost ≤ ${t.fixedCostMs} ms on Iris (queued → first batch, last epoch → final status)`;
  if ('skipped' in r.iris) {
    targets.push({ text: fixedText, pass: null, detail: `not measured: ${r.iris.skipped}` });
  } else {
    const warm = r.iris.cells.slice(1);
    const start = median(warm.map((c) => c.queuedToFirstBatchMs));
    const end = median(warm.map((c) => c.lastEpochToFinalMs));
    const startMax = Math.max(...r.iris.cells.map((c) => c.queuedToFirstBatchMs));
    const endMax = Math.max(...r.iris.cells.map((c) => c.lastEpochToFinalMs));
    const training = r.iris.cells.reduce((a, c) => a + c.trainingMs, 0);
    targets.push({
      text: fixedText,
      pass: startMax <= t.fixedCostMs && endMax <= t.fixedCostMs,
      detail:
        `median ${start.toFixed(0)} + ${end.toFixed(0)} ms, worst ${startMax.toFixed(0)} (the first cell: a ` +
        `new worker) + ${endMax.toFixed(0)} ms, against a median cell's training ` +
        `${median(r.iris.cells.map((c) => c.trainingMs)).toFixed(0)} ms; the ${r.iris.cells.length}-cell grid ` +
        `spent ${((training / r.iris.wallMs) * 100).toFixed(0)} % of its ${(r.iris.wallMs / 1000).toFixed(1)} s training`,
    });
  }
  const scaleText = `grid cells per minute, 2 workers ≥ ${t.cellsScaling}× one (small MNIST grid)`;
  if ('skipped' in r.mnist) {
    targets.push({ text: scaleText, pass: null, detail: `not measured: ${r.mnist.skipped}` });
  } else {
    const one = median(r.mnist.one.map(cellsPerMinute));
    const two = median(r.mnist.two.map(cellsPerMinute));
    targets.push({
      text: scaleText,
      pass: two / one >= t.cellsScaling,
      detail: `${two.toFixed(1)} vs ${one.toFixed(1)} cells/min = ${fmtRatio(two / one)}`,
    });
  }
  const memText = `a ${r.plan.iris.cells}-cell Iris grid leaves no growth of tensors or heap between cells`;
  if (!Array.isArray(r.memory)) {
    targets.push({ text: memText, pass: null, detail: `not measured: ${r.memory.skipped}` });
  } else {
    const g = memoryGrowth(r.memory, r.plan.iris.cells);
    targets.push({
      text: memText,
      pass: g.tensors <= 0 && g.wasmBytes <= 0 && g.heapBytes <= HEAP_NOISE_BYTES,
      detail:
        `the grid run twice in one worker, cells ${g.from}–${g.to} measured: tensors ${g.tensors >= 0 ? '+' : ''}` +
        `${g.tensors} (${r.memory[r.memory.length - 1].numTensors} alive), V8 heap ${signedMb(g.heapBytes)} ` +
        `(its lower envelope; under ${signedMb(HEAP_NOISE_BYTES).slice(1)} counts as none; the first, warm-up pass ` +
        `${signedMb(g.warmUpHeapBytes)}), wasm memory ${signedMb(g.wasmBytes)}`,
    });
  }
  return targets;
}

/** Lines on where the time goes, for the targets above that were missed. */
export interface ClosingContext {
  /** numpy's MLP rate on 2 OpenBLAS threads over 1. */
  numpyTwoThreads: number | null;
  /** sgemm 1024³ peaks, GFLOP/s: numpy's OpenBLAS on one thread, and tf.matMul on the wasm kernels alone. */
  blasPeak: number | null;
  wasmPeak: number | null;
}

export function gridClosings(
  r: GridScaleResults,
  targets: Target[],
  { numpyTwoThreads, blasPeak, wasmPeak }: ClosingContext = {
    numpyTwoThreads: null,
    blasPeak: null,
    wasmPeak: null,
  },
): string[] {
  const lines: string[] = [];
  const missed = (prefix: string) => targets.some((t) => t.pass === false && t.text.startsWith(prefix));
  const byKind = (kind: EpochRow['kind']) => r.epochRows.find((row) => row.kind === kind);
  const numpy = byKind('numpy');
  for (const kind of ['blas', 'wasm'] as const) {
    const row = byKind(kind);
    if (!row || !numpy || row.skipped || numpy.skipped || row.epochS.length === 0) continue;
    const goal = kind === 'blas' ? GRID_TARGETS.epochVsNumpyBlas : GRID_TARGETS.epochVsNumpyWasm;
    if (!missed(`E2 epoch as logged, 1 worker, ${kind === 'blas' ? 'BLAS' : 'wasm'}`)) continue;
    const needed = median(numpy.epochS) / goal;
    lines.push(
      `E2 epoch, ${row.label}: needs ≤ ${needed.toFixed(2)} s per epoch; it takes ${median(row.epochS).toFixed(2)} s: ` +
        `training steps ${median(row.trainS).toFixed(2)} s (numpy ${median(numpy.trainS).toFixed(2)} s), evaluation of ` +
        `the three splits ${median(row.evalS).toFixed(2)} s (numpy ${median(numpy.evalS).toFixed(2)} s). ` +
        (kind === 'wasm'
          ? 'Both are almost all dense products, and ' +
            (blasPeak !== null && wasmPeak !== null
              ? `the wasm kernels' sgemm peaks at ${wasmPeak.toFixed(0)} GFLOP/s against OpenBLAS's ` +
                `${blasPeak.toFixed(0)} on this machine (${fmtRatio(blasPeak / wasmPeak)}): `
              : "wasm's sgemm is several times slower than OpenBLAS's: ") +
            'the BLAS addon is what closes it (the row above). Without it, relaxed-SIMD FMA could at most double ' +
            "the products' rate, and only in a wasm sgemm of our own (XNNPACK inside tfjs-backend-wasm 4.22 is " +
            'built without relaxed SIMD; Node 20 has it only behind --experimental-wasm-relaxed-simd): with about ' +
            '80 % of the epoch in products that is about 0.6× the time, still short of 0.5× numpy where numpy has ' +
            'AVX-512.'
          : 'The products run on the same sgemm as numpy; what is left is the per-step work outside them ' +
            '(tfjs bookkeeping, the optimizer update, copying batches onto the heap).'),
    );
  }
  if (missed("a run's fixed cost") && !('skipped' in r.iris)) {
    const cells = r.iris.cells;
    lines.push(
      `Fixed cost: queued → worker's 'started' median ${median(cells.map((c) => c.queuedToStartedMs)).toFixed(0)} ms ` +
        `(first cell ${cells[0].queuedToStartedMs.toFixed(0)} ms: a new worker thread loads tfjs and compiles ` +
        `wasm), 'started' → first batch ${median(cells.map((c) => c.queuedToFirstBatchMs - c.queuedToStartedMs)).toFixed(0)} ms ` +
        `(model and optimizer built, data uploaded), last epoch → final status ` +
        `${median(cells.map((c) => c.lastEpochToFinalMs)).toFixed(0)} ms (the status written, events drained). ` +
        'A pool started with its workers loaded (minThreads) would take the first cell down to the others.',
    );
  }
  if (missed('grid cells per minute') && !('skipped' in r.mnist)) {
    const per = (rs: QueueGridResult[]) => median(rs.flatMap((x) => x.cells.map((c) => c.trainingMs)));
    const start = (rs: QueueGridResult[]) =>
      median(rs.flatMap((x) => x.cells.map((c) => c.queuedToFirstBatchMs)));
    lines.push(
      `Cells per minute: a cell trains in ${per(r.mnist.one).toFixed(0)} ms alone and ${per(r.mnist.two).toFixed(0)} ms ` +
        `beside another (shared memory bandwidth and last-level cache); its start takes ${start(r.mnist.one).toFixed(0)} ` +
        `vs ${start(r.mnist.two).toFixed(0)} ms. With 2 workers the grid also waits for the slower of the last two ` +
        'cells, and each new worker loads tfjs once.' +
        (numpyTwoThreads === null
          ? ''
          : ` For scale: numpy's MLP on 2 OpenBLAS threads runs ${fmtRatio(numpyTwoThreads)} its 1-thread rate on ` +
            'this machine, so two of its cores give a BLAS-bound job well under 2× (the products no longer wait ' +
            'on wasm arithmetic, they wait on the memory and the cores the two workers share).'),
    );
  }
  if (missed(`a ${r.plan.iris.cells}-cell Iris grid`) && Array.isArray(r.memory)) {
    const g = memoryGrowth(r.memory, r.plan.iris.cells);
    lines.push(
      `Memory: over cells ${g.from}–${g.to}, tensors ${g.tensors >= 0 ? '+' : ''}${g.tensors}, wasm memory ` +
        `${signedMb(g.wasmBytes)}, V8 heap envelope ${signedMb(g.heapBytes)} (per cell, MB: ` +
        `${r.memory.map((c) => (c.heapUsed / 2 ** 20).toFixed(2)).join(' ')}). Growing tensors or wasm memory mean ` +
        'something a run creates outlives it (a tensor not disposed); heap growth alone, a cache keyed by run ' +
        '(prepared statements, per-run closures) or V8 still settling: a longer series tells the two apart.',
    );
  }
  return lines;
}

const fmtS = (values: number[]) => (values.length === 0 ? '—' : median(values).toFixed(2));

export function gridTables(r: GridScaleResults): { head: string[]; rows: string[][] }[] {
  const numpyS = epochMedian(r.epochRows.find((row) => row.kind === 'numpy'));
  const epoch = {
    head: [
      'E2 epoch as logged, 1 worker',
      'epoch s',
      'samples/s',
      'vs numpy',
      'training steps s',
      'evaluation s',
    ],
    rows: r.epochRows.map((row) => {
      if (row.skipped) return [row.label, `skipped: ${row.skipped}`, '—', '—', '—', '—'];
      const s = epochMedian(row);
      return [
        row.label,
        s.toFixed(2),
        fmtInt(row.trainRows / s),
        row.kind === 'numpy' ? 'reference' : Number.isNaN(numpyS) ? '—' : fmtRatio(numpyS / s),
        fmtS(row.trainS),
        fmtS(row.evalS),
      ];
    }),
  };
  const tables = [epoch];
  const grids: string[][] = [];
  if (!('skipped' in r.iris)) {
    const c = r.iris.cells;
    const warm = c.slice(1);
    grids.push([
      `Iris, ${c.length} cells, 1 worker (E7, ${r.plan.iris.epochs} epochs)`,
      `${(r.iris.wallMs / 1000).toFixed(1)} s`,
      cellsPerMinute(r.iris).toFixed(0),
      `${median(warm.map((x) => x.queuedToFirstBatchMs)).toFixed(0)} (first ${c[0].queuedToFirstBatchMs.toFixed(0)})`,
      median(c.map((x) => x.lastEpochToFinalMs)).toFixed(0),
      median(c.map((x) => x.trainingMs)).toFixed(0),
    ]);
  }
  if (!('skipped' in r.mnist)) {
    for (const [workers, runs] of [
      [1, r.mnist.one],
      [2, r.mnist.two],
    ] as const) {
      const c = runs.flatMap((x) => x.cells);
      grids.push([
        `MNIST MLP, ${r.plan.mnist.cells} cells, ${workers} worker${workers > 1 ? 's' : ''} (median of ${runs.length})`,
        `${(median(runs.map((x) => x.wallMs)) / 1000).toFixed(1)} s`,
        median(runs.map(cellsPerMinute)).toFixed(1),
        median(c.map((x) => x.queuedToFirstBatchMs)).toFixed(0),
        median(c.map((x) => x.lastEpochToFinalMs)).toFixed(0),
        median(c.map((x) => x.trainingMs)).toFixed(0),
      ]);
    }
  }
  if (grids.length > 0) {
    tables.push({
      head: [
        'grid through the queue',
        'wall',
        'cells/min',
        'queued → first batch ms',
        'last epoch → final ms',
        'training ms per cell',
      ],
      rows: grids,
    });
  }
  if (Array.isArray(r.memory)) {
    const mem = r.memory;
    const half = Math.floor(mem.length / 2);
    const picks = [1, Math.ceil(half / 2), half, half + Math.ceil(half / 2), mem.length].filter(
      (v, i, a) => v <= mem.length && a.indexOf(v) === i,
    );
    tables.push({
      head: ['after Iris cell', 'tensors', 'tensor bytes', 'V8 heap used', 'wasm memory'],
      rows: picks.map((n) => {
        const m = mem[n - 1];
        return [
          String(n),
          String(m.numTensors),
          fmtInt(m.numBytes),
          `${(m.heapUsed / 2 ** 20).toFixed(2)} MB`,
          `${(m.wasmHeapBytes / 2 ** 20).toFixed(0)} MB`,
        ];
      }),
    });
  }
  return tables;
}

export const GRID_METHOD = [
  'E2 epoch as logged: the E2 preset with its own split (train 10 000, validation 6 000, test 2 724), trainRun in a ' +
    "bench worker after selectBackend('wasm'), EpochMetrics.seconds of epochs 2… (the first warms up); once with " +
    'the BLAS addon (the default where it is built) and once with WORKBENCH_BLAS=off. "Training steps" ends at the ' +
    'epoch\'s last onBatch, "evaluation" is the rest (train, validation and test in eval mode). numpy: ' +
    'bench/peers/numpy_mlp.py doing the same per epoch (a fresh permutation, 100 steps, then the three splits ' +
    'forward in chunks of 2 000 rows with loss and accuracy) with OPENBLAS_NUM_THREADS=1. samples/s = training ' +
    'rows ÷ epoch seconds.',
  'Grids through the queue: planGrid and RunQueue.startGrid with a fresh TrainingService (Piscina, the built ' +
    "out/main/training-worker.js, a SQLite file), as `workbench grid` runs them; times from the queue's events " +
    "in the main thread: 'queued' (the cell handed to a worker), the first progress event (the first batch), the " +
    "last epoch event, the final status. Iris: E7 GD (full batch) over 12 learning rates × 4 seeds. MNIST: E2's " +
    'MLP on a small split (train, and a quarter of it each for validation and test), learning rate × seed; the wall time runs from startGrid to the ' +
    "last cell's final status, the new workers' start included.",
  "Memory: the Iris grid's cells run one after another in one bench worker through the product's own worker " +
    "function (runTrainingTask, SQLite included); after each, a full garbage collection, then tf.memory(), V8's " +
    'heap in use and the wasm memory. The grid runs twice in the worker and the second pass is measured (V8 ' +
    'optimises and caches for some 50 cells); the heap is compared by its lower envelope (the lowest of 12 cells ' +
    "at each end), since one cell's heap after a full GC wanders by some 0.5 MB.",
];
