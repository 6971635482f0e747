/**
 * The optional BLAS addon (native/blas, built by `npm run build:blas` or npm install where OpenBLAS's
 * development files are present): the wasm backend's matrix products computed by the platform's BLAS, in
 * place on the wasm heap. Loaded once per thread; where it is missing or fails to load, the products run on
 * the wasm kernels as before and `blasStatus()` says why.
 *
 * WORKBENCH_BLAS=off keeps the wasm kernels; WORKBENCH_BLAS_ADDON=/path/to/workbench_blas.node loads another
 * build.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatMulReport } from '../../../common/types';

export const BLAS_ENV_VAR = 'WORKBENCH_BLAS';
export const BLAS_ADDON_ENV_VAR = 'WORKBENCH_BLAS_ADDON';
/** The addon, relative to the app's root (the repository, or the packaged app). */
export const BLAS_ADDON_PATH = join('native', 'blas', 'build', 'Release', 'workbench_blas.node');
const BUILD_HINT =
  'build it with `npm run build:blas` (needs OpenBLAS: sudo apt-get install libopenblas-dev; macOS: Accelerate)';

export interface BlasAddon {
  /**
   * c[m, n] = op(a) . op(b) (+ bias per column, or bias[0]) (then max(0, ·) when relu), row-major, on the
   * memory the arrays view. op(a) is [m, k] (a stored [k, m] when transA); op(b) is [k, n] ([n, k] when transB).
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    bias: Float32Array | null,
    relu: boolean,
  ): void;
  info(): { library: string; core: string; threads: number };
}

const requireFromHere = createRequire(import.meta.url);

let loaded: { addon: BlasAddon | null; report: MatMulReport } | null = null;
/** Tests and the bench switch the BLAS path off and on again within one thread. */
let enabled = true;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

/** The addon file: the override, else the first native/blas build found walking up from this module. */
function findAddon(): string | null {
  const override = process.env[BLAS_ADDON_ENV_VAR]?.trim();
  if (override) return resolve(override);
  // Sources (main/engine/backend), the app's bundles (out/main, out/bench) and their chunks all lie below it.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, BLAS_ADDON_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** A check on a 2×3 · 3×2 product with a transposed b, a bias and a clamp: a build that loads but errs fails it. */
function smokeTest(addon: BlasAddon): void {
  const c = new Float32Array(4);
  const a = new Float32Array([1, 2, 3, 4, 5, 6]);
  const bT = new Float32Array([1, 0, -1, 0, 1, 1]);
  addon.sgemm(false, true, 2, 2, 3, a, bT, c, new Float32Array([0.5, -8]), true);
  const expected = [0, 0, 0, 3];
  // [1 2 3; 4 5 6] · [1 0; 0 1; -1 1] = [-2 5; -2 11]; + [0.5, -8] = [-1.5 -3; -1.5 3]; ReLU.
  if (expected.some((v, i) => c[i] !== v))
    throw new Error(`smoke test computed [${Array.from(c).join(', ')}]`);
}

function load(): { addon: BlasAddon | null; report: MatMulReport } {
  const setting = process.env[BLAS_ENV_VAR]?.trim().toLowerCase();
  if (setting === 'off' || setting === '0' || setting === 'false') {
    return { addon: null, report: { path: 'wasm', reason: `${BLAS_ENV_VAR}=${setting}` } };
  }
  const file = findAddon();
  if (file === null) {
    return { addon: null, report: { path: 'wasm', reason: `the BLAS addon is not built: ${BUILD_HINT}` } };
  }
  try {
    const addon = requireFromHere(file) as BlasAddon;
    smokeTest(addon);
    const info = addon.info();
    const threads = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
    const core = info.core ? ` (core ${info.core}${threads})` : threads ? ` (${threads.slice(2)})` : '';
    return {
      addon,
      report: {
        path: 'blas',
        reason: `BLAS addon ${file}`,
        library: `${info.library}${core}`,
      },
    };
  } catch (error) {
    return {
      addon: null,
      report: {
        path: 'wasm',
        reason: `the BLAS addon ${file} failed to load (${firstLine(error)}): rebuild it with \`npm run build:blas\``,
      },
    };
  }
}

function loadOnce(): { addon: BlasAddon | null; report: MatMulReport } {
  loaded ??= load();
  return loaded;
}

/** The addon when the BLAS path is in use in this thread, else null (the wasm kernels compute). */
export function activeBlas(): BlasAddon | null {
  return enabled ? loadOnce().addon : null;
}

/** Which path the wasm backend's matrix products take in this thread, and why. */
export function blasStatus(): MatMulReport {
  const { report } = loadOnce();
  if (!enabled && report.path === 'blas') return { path: 'wasm', reason: 'the BLAS path was switched off' };
  return report;
}

/** Switches the BLAS path off (the wasm kernels) or back on, where the addon loaded; for tests and the bench. */
export function setBlasEnabled(on: boolean): void {
  enabled = on;
}
