/**
 * Which OpenBLAS kernels each side runs. OpenBLAS (DYNAMIC_ARCH, as Debian builds it) picks its kernels for
 * the processor when it loads, unless OPENBLAS_CORETYPE names others: some machines here set it (and
 * OPENBLAS_L2_SIZE). The engine's BLAS addon is loaded in this process, so it reads this process's
 * environment; the peers run without those variables (peers.ts). So the two sides may run different kernels,
 * and the report says which.
 */
import { blasStatus } from '../main/engine/backend/blas';
import type { MatMulReport } from '../common/types';
import { openblasOverridesPresent, peerEnv, runPeer } from './peers';

export interface KernelRow {
  side: string;
  /** The library as it reports itself, or why it is not there. */
  library: string;
  /** OpenBLAS's core name ("SkylakeX", "Haswell"), null where unknown or not OpenBLAS. */
  core: string | null;
  /** The OPENBLAS_* settings this side ran with. */
  env: string;
  extra?: string;
}

interface PeerSide {
  version?: string;
  blas?: string;
  error?: string;
  threadpoolctl?: string | null;
  config?: string[];
}

interface KernelAnswer {
  numpy: PeerSide;
  torch?: PeerSide;
  env: Record<string, string>;
}

/** "… (core Haswell, 1 thread)" → "Haswell". */
export function coreOf(library: string | undefined): string | null {
  return library ? (/\(core ([^,)]+)/.exec(library)?.[1] ?? null) : null;
}

const envText = (env: Record<string, string>): string => {
  const set = Object.entries(env).filter(([k]) => k === 'OPENBLAS_CORETYPE' || k === 'OPENBLAS_L2_SIZE');
  return set.length === 0 ? 'no OPENBLAS_CORETYPE' : set.map(([k, v]) => `${k}=${v}`).join(', ');
};

/** The engine's side: the BLAS addon as this process (and so every worker thread in it) loads it. */
export function engineKernel(report: MatMulReport = blasStatus()): KernelRow {
  const env = envText(Object.fromEntries(openblasOverridesPresent().map((s) => s.split('=', 2))));
  if (report.path !== 'blas') {
    return { side: 'Workbench (BLAS addon)', library: `not in use: ${report.reason}`, core: null, env };
  }
  return {
    side: 'Workbench (BLAS addon, native/blas, in the workers)',
    library: report.library ?? 'unknown',
    core: coreOf(report.library),
    env,
  };
}

/**
 * The peers' side, with the environment they are measured in; and, where this process sets OpenBLAS
 * overrides, numpy once more with them, which is what the engine's addon gets.
 */
export function peerKernels(python: string, peersDir: string): KernelRow[] {
  const rows: KernelRow[] = [];
  const ask = (env: NodeJS.ProcessEnv, withTorch: boolean) =>
    runPeer<KernelAnswer>(
      python,
      peersDir,
      'blas_kernel.py',
      withTorch ? [] : ['--no-torch'],
      { ...env, OPENBLAS_NUM_THREADS: '1' },
      120_000,
    );
  const measured = ask(peerEnv({}), true);
  if (!measured.ok) {
    return [{ side: 'Python peers', library: `not probed: ${measured.reason}`, core: null, env: '—' }];
  }
  const env = envText(measured.value.env);
  const side = (name: string, s: PeerSide | undefined, extra?: string): KernelRow =>
    s === undefined || s.error !== undefined
      ? { side: name, library: s?.error ?? 'not probed', core: null, env }
      : {
          side: `${name} ${s.version ?? ''}`.trim(),
          library: s.blas ?? 'unknown',
          core: coreOf(s.blas),
          env,
          extra,
        };
  rows.push(side('numpy (peers)', measured.value.numpy, measured.value.numpy.threadpoolctl ?? undefined));
  const torch = measured.value.torch;
  rows.push(side('PyTorch (peers)', torch, torch?.config?.join('; ')));
  if (openblasOverridesPresent().length > 0) {
    const raw = ask({ ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, false);
    if (raw.ok) {
      rows.push({
        ...side('numpy', raw.value.numpy),
        side: "numpy with this environment's OpenBLAS settings (what the engine's addon gets)",
        env: envText(raw.value.env),
      });
    }
  }
  return rows;
}

/** One line for the console and the notes: which kernels each side ran, and whether they differ. */
export function kernelNote(rows: readonly KernelRow[]): string | null {
  const engine = rows.find((r) => r.side.startsWith('Workbench'));
  const peers = rows.filter((r) => r.side.includes('(peers)') && r.core !== null);
  if (!engine?.core || peers.length === 0) return null;
  const differ = peers.filter((p) => p.core !== engine.core);
  if (differ.length === 0) return `Every side ran OpenBLAS's ${engine.core} kernels.`;
  return (
    `The engine's BLAS addon ran OpenBLAS's ${engine.core} kernels (${engine.env}), the peers ` +
    `${[...new Set(differ.map((p) => p.core))].join(', ')} (${differ[0].env}): the comparison is not on the same ` +
    'kernels. OPENBLAS_CORETYPE in the environment the bench is started from decides the engine side.'
  );
}
