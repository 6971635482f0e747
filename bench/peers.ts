/**
 * The Python peers (bench/peers/*.py), run as subprocesses with Debian's /usr/bin/python3 (python3-numpy,
 * python3-torch, libopenblas0-pthread). A missing or failing peer is reported and skipped, never fatal.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const INSTALL_HINT = 'sudo apt-get install python3-numpy python3-torch libopenblas0-pthread';

/**
 * Set by this workplace on some processors; they slow a current OpenBLAS down, so the peers run without them
 * (only in their own subprocesses).
 */
export const OPENBLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

/** Thread settings a peer's environment starts without, so that each peer sets exactly its own. */
const THREAD_VARIABLES = ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'GOTO_NUM_THREADS', 'OMP_WAIT_POLICY'];

export interface ModuleProbe {
  ok: boolean;
  version?: string;
  reason?: string;
}

export interface PythonProbe {
  python: string;
  numpy: ModuleProbe;
  torch: ModuleProbe;
}

export type PeerResult<T> = { ok: true; value: T; stderr: string } | { ok: false; reason: string };

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}

/** The OPENBLAS_OVERRIDES this process has, "NAME=value" each. */
export function openblasOverridesPresent(): string[] {
  return OPENBLAS_OVERRIDES.filter((name) => process.env[name] !== undefined).map(
    (name) => `${name}=${process.env[name]}`,
  );
}

/**
 * This process's environment without OPENBLAS_OVERRIDES and thread settings, plus `set`. Bytecode caches are
 * kept out of bench/peers.
 */
export function peerEnv(set: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  for (const name of [...OPENBLAS_OVERRIDES, ...THREAD_VARIABLES]) delete env[name];
  return { ...env, ...set };
}

function probeModule(python: string, module: string): ModuleProbe {
  const result = spawnSync(python, ['-c', `import ${module}; print(${module}.__version__)`], {
    encoding: 'utf8',
    env: peerEnv({ OPENBLAS_NUM_THREADS: '1' }),
    timeout: 60_000,
  });
  if (result.error) return { ok: false, reason: `${python} could not be run: ${result.error.message}` };
  if (result.status !== 0) {
    return { ok: false, reason: `${python} cannot import ${module} (${lastLine(result.stderr)})` };
  }
  return { ok: true, version: lastLine(result.stdout) };
}

export function probePython(python: string): PythonProbe {
  if (!existsSync(python)) {
    const reason = `${python} not found`;
    return { python, numpy: { ok: false, reason }, torch: { ok: false, reason } };
  }
  const numpy = probeModule(python, 'numpy');
  // torch needs numpy here; without numpy, say so rather than torch's longer import error.
  const torch = numpy.ok ? probeModule(python, 'torch') : { ok: false, reason: numpy.reason };
  return { python, numpy, torch };
}

/**
 * Runs `script` (in peersDir) with `args`; its last stdout line is its JSON answer. Its stderr (what it says
 * about its BLAS, say) comes back too.
 */
export function runPeer<T>(
  python: string,
  peersDir: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 300_000,
): PeerResult<T> {
  const result = spawnSync(python, [join(peersDir, script), ...args], {
    cwd: peersDir,
    encoding: 'utf8',
    env,
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) return { ok: false, reason: `${script}: ${result.error.message}` };
  if (result.status !== 0) {
    return {
      ok: false,
      reason: `${script} exited with ${result.status ?? result.signal}: ${lastLine(result.stderr)}`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(lastLine(result.stdout)) as T, stderr: result.stderr.trim() };
  } catch {
    return { ok: false, reason: `${script} printed no JSON answer: ${lastLine(result.stdout)}` };
  }
}
