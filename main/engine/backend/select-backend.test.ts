import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKEND_ENV_VAR,
  BackendUnavailableError,
  describeBackendChain,
  selectBackend,
} from './select-backend';

const require = createRequire(import.meta.url);

/** Installed with its native TensorFlow library (an offline install leaves the JavaScript without it). */
function installed(pkg: string): boolean {
  try {
    return existsSync(join(dirname(dirname(require.resolve(pkg))), 'lib'));
  } catch {
    return false;
  }
}

// The native packages are optional dependencies whose library cannot be downloaded on this workplace's
// machines (CI included); where it is installed 'auto' rightly picks them, so these expectations do not apply.
const nativeMissing = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');

let savedEnv: string | undefined;
beforeEach(() => {
  savedEnv = process.env[BACKEND_ENV_VAR];
  delete process.env[BACKEND_ENV_VAR];
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = savedEnv;
});

describe('selectBackend', () => {
  it.runIf(nativeMissing)("'auto' picks wasm and says why the native backends were not used", async () => {
    const report = await selectBackend('auto');
    expect(report.chosen).toBe('wasm');
    expect(report.tfjsBackend).toBe('wasm');
    expect(report.version).toBe('4.22.0');
    expect(tf.getBackend()).toBe('wasm');
    const [gpu, node, wasm, cpu] = report.candidates;
    expect(gpu).toMatchObject({
      name: 'tensorflow-gpu',
      package: '@tensorflow/tfjs-node-gpu',
      loaded: false,
    });
    // Absent (npm ci drops a failed optional package), or present without the library it could not download.
    const absent = (pkg: string) =>
      new RegExp(
        `^not installed: (Cannot find module '${pkg}'|its native TensorFlow library was not downloaded)`,
      );
    expect(gpu.reason).toMatch(absent('@tensorflow/tfjs-node-gpu'));
    expect(node).toMatchObject({ name: 'tensorflow', package: '@tensorflow/tfjs-node', loaded: false });
    expect(node.reason).toMatch(absent('@tensorflow/tfjs-node'));
    expect(wasm).toEqual({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', loaded: true });
    expect(cpu).toMatchObject({
      name: 'cpu',
      loaded: false,
      reason: 'not tried: a better backend (wasm) was chosen',
    });
    // The training kernels came with it.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it("'cpu' activates the cpu backend", async () => {
    const report = await selectBackend('cpu');
    expect(report).toMatchObject({ chosen: 'cpu', tfjsBackend: 'cpu', version: '4.22.0' });
    expect(tf.getBackend()).toBe('cpu');
    expect(report.candidates.find((c) => c.name === 'cpu')).toEqual({
      name: 'cpu',
      package: '@tensorflow/tfjs-backend-cpu',
      loaded: true,
    });
    expect(report.candidates.find((c) => c.name === 'wasm')?.reason).toBe(
      "not tried: backend 'cpu' was requested",
    );
  });

  it(`${BACKEND_ENV_VAR} overrides 'auto' but not an explicit argument`, async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const fromEnv = await selectBackend();
    expect(fromEnv.chosen).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(fromEnv.candidates[2].reason).toBe(`not tried: ${BACKEND_ENV_VAR}=cpu`);

    const explicit = await selectBackend('wasm');
    expect(explicit.chosen).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.runIf(nativeMissing)(
    'an explicitly requested backend that cannot load is an error, not a fallback',
    async () => {
      process.env[BACKEND_ENV_VAR] = 'tensorflow';
      const error = await selectBackend().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toMatch(
        /^Backend 'tensorflow' cannot be used \(WORKBENCH_BACKEND=tensorflow\)/,
      );
      expect((error as Error).message).toMatch(
        /tensorflow: not installed: (Cannot find module '@tensorflow\/tfjs-node'|its native TensorFlow library was not downloaded)/,
      );
      expect((error as BackendUnavailableError).candidates[1]).toMatchObject({
        name: 'tensorflow',
        loaded: false,
      });

      await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(/tfjs-node-gpu/);
    },
  );

  it('rejects unknown backend names', async () => {
    process.env[BACKEND_ENV_VAR] = 'webgl';
    await expect(selectBackend()).rejects.toThrow(
      "WORKBENCH_BACKEND='webgl' is not one of auto, tensorflow-gpu, tensorflow, wasm, cpu",
    );
    delete process.env[BACKEND_ENV_VAR];
    await expect(selectBackend('gpu' as 'cpu')).rejects.toThrow(/Unknown backend 'gpu'/);
  });
});

describe('describeBackendChain', () => {
  it('lists every candidate with the version found on disk', async () => {
    await selectBackend('cpu');
    const chain = await describeBackendChain();
    expect(chain.map((c) => c.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(chain[2]).toMatchObject({
      package: '@tensorflow/tfjs-backend-wasm',
      installed: true,
      version: '4.22.0',
    });
    expect(chain[3]).toMatchObject({ installed: true, version: '4.22.0', loaded: true });
    if (nativeMissing) {
      expect(chain[1]).toMatchObject({ installed: false, loaded: false });
      expect(chain[1].reason).toMatch(/^not installed: /);
    }
  });
});
