/**
 * Picks the tfjs compute backend: tfjs-node-gpu, tfjs-node, wasm, cpu, in that order for 'auto'.
 * The two native packages are optional dependencies whose install often fails (they download
 * libtensorflow), so they are loaded lazily and any failure is reported, never thrown, in 'auto'.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { BackendCandidate, BackendName, BackendReport } from '../../../common/types';
import { blasStatus } from './blas';
import { registerWasmTrainingKernels } from './wasm-kernels';

/** Preference order for 'auto'. */
export const BACKEND_CHAIN = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
] as const satisfies readonly BackendName[];

export const BACKEND_ENV_VAR = 'WORKBENCH_BACKEND';

const PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** Both native packages register their backend under this tfjs name. */
const TENSORFLOW_TFJS_NAME = 'tensorflow';

export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly candidates: BackendCandidate[],
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

export interface BackendChainEntry extends BackendCandidate {
  installed: boolean;
  /** Version of the package found on disk, when installed. */
  version?: string;
}

type Attempt =
  | { ok: true; tfjsBackend: string; version: string; package: string }
  | { ok: false; loaded: boolean; reason: string };

const requireFromHere = createRequire(import.meta.url);

/** Which native package registered the 'tensorflow' backend in this process; a second one would clash. */
let tensorflowProvider: string | null = null;
let wasmPathsConfigured = false;

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_CHAIN as readonly string[]).includes(value);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

function packageVersion(pkg: string): string {
  try {
    const version = (requireFromHere(`${pkg}/package.json`) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** null when installed, else why not. Resolving does not load the package (or its native library). */
function notInstalledReason(pkg: string): string | null {
  let entry: string;
  try {
    entry = requireFromHere.resolve(pkg);
  } catch (error) {
    return `not installed: ${firstLine(error)}`;
  }
  // An offline `npm install` can leave tfjs-node's JavaScript without the native binding it failed to
  // download; loading it then only registers a second copy of tfjs (a screen of warnings) and throws.
  if (pkg.startsWith('@tensorflow/tfjs-node') && !existsSync(join(dirname(dirname(entry)), 'lib'))) {
    return 'not installed: its native TensorFlow library was not downloaded during npm install';
  }
  return null;
}

/**
 * A transposed matMul and a conv filter gradient: enough to catch a backend that loads but cannot
 * train. The gradient kernel is run directly so the check does not depend on the gradient registry.
 */
function smokeTest(): void {
  const result = tf.tidy(() => {
    const product = tf.matMul(
      tf.tensor2d([1, 2, 3, 4], [2, 2]),
      tf.tensor2d([5, 6, 7, 8], [2, 2]),
      false,
      true,
    );
    const filterGrad = tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: tf.ones([1, 3, 3, 1]), dy: tf.ones([1, 2, 2, 1]) },
        { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 1, 1] },
      ) as tf.Tensor;
    return tf.concat([tf.reshape(product, [-1]), tf.reshape(filterGrad, [-1])]);
  });
  const got = Array.from(result.dataSync());
  result.dispose();
  const expected = [17, 23, 39, 53, 4, 4, 4, 4];
  if (got.length !== expected.length || got.some((v, i) => Math.abs(v - expected[i]) > 1e-4)) {
    throw new Error(`smoke test computed [${got.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

/**
 * tf.setBackend only returns false on failure; tfjs prints the cause through console.warn, so we
 * listen in (still printing) to put the cause into the report.
 */
async function setBackendOrExplain(tfjsName: string): Promise<void> {
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    originalWarn.apply(console, args);
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfjsName);
  } finally {
    console.warn = originalWarn;
  }
  if (!ok) {
    const at = warnings.findIndex((w) => w.startsWith(`Initialization of backend ${tfjsName} failed`));
    const cause = at >= 0 && warnings[at + 1] != null ? `: ${firstLine(warnings[at + 1])}` : '';
    throw new Error(`tf.setBackend('${tfjsName}') could not initialise it${cause}`);
  }
}

async function activate(tfjsName: string): Promise<void> {
  await setBackendOrExplain(tfjsName);
  smokeTest();
}

async function tryTensorflow(pkg: string, wantGpu: boolean): Promise<Attempt> {
  if (tensorflowProvider != null && tensorflowProvider !== pkg) {
    // Loading a second libtensorflow into the process is asking for a crash.
    if (!wantGpu) {
      // tfjs-node-gpu without a visible GPU runs TensorFlow's CPU kernels: as good as tfjs-node.
      try {
        await activate(TENSORFLOW_TFJS_NAME);
        return {
          ok: true,
          tfjsBackend: TENSORFLOW_TFJS_NAME,
          version: packageVersion(tensorflowProvider),
          package: tensorflowProvider,
        };
      } catch (error) {
        return { ok: false, loaded: false, reason: `failed: ${firstLine(error)}` };
      }
    }
    return {
      ok: false,
      loaded: false,
      reason: `not tried: ${tensorflowProvider} already provides the 'tensorflow' backend`,
    };
  }
  const missing = notInstalledReason(pkg);
  if (missing != null) return { ok: false, loaded: false, reason: missing };
  try {
    requireFromHere(pkg);
    tensorflowProvider = pkg;
  } catch (error) {
    return { ok: false, loaded: false, reason: `installed but failed to load: ${firstLine(error)}` };
  }
  try {
    await activate(TENSORFLOW_TFJS_NAME);
  } catch (error) {
    return { ok: false, loaded: true, reason: `loaded but failed: ${firstLine(error)}` };
  }
  if (wantGpu && (tf.backend() as { isUsingGpuDevice?: unknown }).isUsingGpuDevice !== true) {
    return {
      ok: false,
      loaded: true,
      reason: 'loaded, but TensorFlow sees no GPU (no CUDA device, or CUDA/cuDNN libraries not found)',
    };
  }
  return { ok: true, tfjsBackend: TENSORFLOW_TFJS_NAME, version: packageVersion(pkg), package: pkg };
}

/**
 * The wasm package's Node build finds its .wasm files next to itself; pointing it at the resolved
 * package keeps that true when our code is bundled (vite) elsewhere. The prefix is concatenated
 * with the file name, hence the trailing separator.
 */
function configureWasmPaths(): void {
  if (wasmPathsConfigured) return;
  setWasmPaths(dirname(requireFromHere.resolve(PACKAGES.wasm)) + sep);
  wasmPathsConfigured = true;
}

async function tryWasm(): Promise<Attempt> {
  try {
    configureWasmPaths();
    registerWasmTrainingKernels();
    await activate('wasm');
    return { ok: true, tfjsBackend: 'wasm', version: version_wasm, package: PACKAGES.wasm };
  } catch (error) {
    return { ok: false, loaded: false, reason: `failed: ${firstLine(error)}` };
  }
}

async function tryCpu(): Promise<Attempt> {
  try {
    await activate('cpu');
    return { ok: true, tfjsBackend: 'cpu', version: version_cpu, package: PACKAGES.cpu };
  } catch (error) {
    return { ok: false, loaded: false, reason: `failed: ${firstLine(error)}` };
  }
}

function attempt(name: BackendName): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryTensorflow(PACKAGES['tensorflow-gpu'], true);
    case 'tensorflow':
      return tryTensorflow(PACKAGES.tensorflow, false);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

/** The explicit backend asked for, if any, and who asked: the argument wins over the environment. */
function resolvePreference(preference: string): { name: BackendName | 'auto'; source: string } {
  if (preference !== 'auto') {
    if (!isBackendName(preference)) {
      throw new Error(`Unknown backend '${preference}': expected auto, ${BACKEND_CHAIN.join(', ')}`);
    }
    return { name: preference, source: `backend '${preference}' was requested` };
  }
  const fromEnv = process.env[BACKEND_ENV_VAR]?.trim();
  if (fromEnv == null || fromEnv === '' || fromEnv === 'auto') return { name: 'auto', source: 'auto' };
  if (!isBackendName(fromEnv)) {
    throw new Error(`${BACKEND_ENV_VAR}='${fromEnv}' is not one of auto, ${BACKEND_CHAIN.join(', ')}`);
  }
  return { name: fromEnv, source: `${BACKEND_ENV_VAR}=${fromEnv}` };
}

/**
 * Loads and activates the compute backend. 'auto' (or no argument) takes the first candidate that
 * loads and passes a smoke test, unless WORKBENCH_BACKEND names one. An explicitly requested
 * backend that cannot be used is a BackendUnavailableError, never a silent fallback.
 */
export async function selectBackend(preference: 'auto' | BackendName = 'auto'): Promise<BackendReport> {
  const wanted = resolvePreference(preference);
  const candidates: BackendCandidate[] = BACKEND_CHAIN.map((name) => ({
    name,
    package: PACKAGES[name],
    loaded: false,
  }));
  let chosen: { candidate: BackendCandidate; result: Extract<Attempt, { ok: true }> } | null = null;

  for (const candidate of candidates) {
    if (chosen != null) {
      candidate.reason = `not tried: a better backend (${chosen.candidate.name}) was chosen`;
      continue;
    }
    if (wanted.name !== 'auto' && candidate.name !== wanted.name) {
      candidate.reason = `not tried: ${wanted.source}`;
      continue;
    }
    const result = await attempt(candidate.name);
    if (result.ok) {
      candidate.loaded = true;
      candidate.package = result.package;
      chosen = { candidate, result };
    } else {
      candidate.loaded = result.loaded;
      candidate.reason = result.reason;
    }
  }

  if (chosen == null) {
    const failures = candidates
      .filter((c) => !c.reason?.startsWith('not tried'))
      .map((c) => `${c.name}: ${c.reason}`)
      .join('; ');
    const message =
      wanted.name === 'auto'
        ? `No compute backend could be loaded (${failures})`
        : `Backend '${wanted.name}' cannot be used (${wanted.source}): ${failures}. ` +
          `Install ${PACKAGES[wanted.name]} or choose another backend (auto, ${BACKEND_CHAIN.join(', ')}).`;
    throw new BackendUnavailableError(message, candidates);
  }
  return {
    chosen: chosen.candidate.name,
    tfjsBackend: chosen.result.tfjsBackend,
    version: chosen.result.version,
    candidates,
    // On wasm the matrix products run on the platform's BLAS where its addon loads (blas.ts).
    ...(chosen.candidate.name === 'wasm' ? { matmul: blasStatus() } : {}),
  };
}

/**
 * What is installed, without loading anything native: for `workbench doctor`. `loaded` says
 * whether the backend is initialised in this process (after selectBackend, say).
 */
export async function describeBackendChain(): Promise<BackendChainEntry[]> {
  const initialised = new Set(
    tf
      .engine()
      .backendNames()
      .filter((n) => tf.engine().registry[n] != null),
  );
  return BACKEND_CHAIN.map((name) => {
    const pkg = PACKAGES[name];
    const missing = notInstalledReason(pkg);
    const tfjsName = name === 'tensorflow-gpu' ? TENSORFLOW_TFJS_NAME : name;
    const loaded =
      missing == null &&
      initialised.has(tfjsName) &&
      (tfjsName !== TENSORFLOW_TFJS_NAME || tensorflowProvider === pkg);
    return {
      name,
      package: pkg,
      installed: missing == null,
      ...(missing == null ? { version: packageVersion(pkg) } : { reason: missing }),
      loaded,
    };
  });
}
