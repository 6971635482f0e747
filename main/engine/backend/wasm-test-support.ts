/**
 * Helpers for the wasm kernel tests: each check computes the same thing on tfjs's cpu backend (the
 * reference) and on wasm with our kernels, from identical inputs. Test-only; nothing imports it at run time.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';
import { normalSample, type Rng } from '../../../common/random';
import { setBlasEnabled } from './blas';
import { registerWasmTrainingKernels } from './wasm-kernels';

/**
 * The wasm kernels' tests run on the wasm-only path, as on a machine without the BLAS addon; the BLAS tests
 * (blas-matmul.test.ts) switch the addon's path on.
 */
let blasInTests = false;

export function useBlasInTests(on: boolean): void {
  blasInTests = on;
  setBlasEnabled(on);
}

export function randomArray(rng: Rng, shape: readonly number[]): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = normalSample(rng);
  return out;
}

export interface Result {
  shape: number[];
  values: Float32Array;
}

/** Our kernels registered and wasm selected: for a test file's beforeAll. */
export async function useWasm(): Promise<void> {
  setBlasEnabled(blasInTests);
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
}

export async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<Result> {
  if (backend === 'wasm') {
    setBlasEnabled(blasInTests);
    registerWasmTrainingKernels();
  }
  expect(await tf.setBackend(backend)).toBe(true);
  const t = tf.tidy(f);
  const values = t.dataSync() as Float32Array;
  const shape = t.shape;
  t.dispose();
  return { shape, values };
}

/** Largest absolute difference, relative to the largest reference magnitude. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-6);
}

/** Float32 rounding, relative to the largest value: a few ulps. */
export const FLOAT32_TOLERANCE = 1e-6;

export function expectClose(got: Result, ref: Result, tolerance = FLOAT32_TOLERANCE): void {
  expect(got.shape).toEqual(ref.shape);
  expect(got.values.length).toBe(ref.values.length);
  // NaN where cpu has NaN (an empty mean), and nowhere else.
  expect(Array.from(got.values, Number.isNaN)).toEqual(Array.from(ref.values, Number.isNaN));
  const finite = (v: Float32Array) => v.map((x) => (Number.isNaN(x) ? 0 : x));
  expect(relativeError(finite(got.values), finite(ref.values))).toBeLessThan(tolerance);
}

export async function expectSameOnBothBackends(
  f: () => tf.Tensor,
  tolerance = FLOAT32_TOLERANCE,
): Promise<void> {
  const ref = await runOn('cpu', f);
  const got = await runOn('wasm', f);
  expectClose(got, ref, tolerance);
}

export function wasmBackend(): BackendWasm {
  return tf.engine().findBackend('wasm') as BackendWasm;
}

/** Bytes of wasm linear memory; it only grows, so a leak shows up as growth. */
export function wasmHeapBytes(): number {
  return (wasmBackend().wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.byteLength;
}

/**
 * Runs `step` (which must dispose what it makes) until warm, then many more times, and expects the
 * tensor count, the wasm backend's data count and the heap size not to move.
 */
export async function expectNoLeak(step: () => void, warm = 5, runs = 40): Promise<void> {
  setBlasEnabled(blasInTests);
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
  for (let i = 0; i < warm; i++) step();
  const tensors = tf.memory().numTensors;
  const dataIds = wasmBackend().numDataIds();
  const heap = wasmHeapBytes();
  for (let i = 0; i < runs; i++) step();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(wasmBackend().numDataIds()).toBe(dataIds);
  expect(wasmHeapBytes()).toBe(heap);
}
