import { describe, expect, it } from 'vitest';
import { recommendedWorkerCount } from './worker-count';

describe('recommendedWorkerCount', () => {
  it.each([
    ['wasm', 2, 2],
    ['wasm', 16, 16],
    ['cpu', 4, 4],
    ['wasm', 0, 1],
    ['tensorflow', 16, 1],
    ['tensorflow-gpu', 8, 1],
  ] as const)('%s on %i cores → %i workers', (backend, cores, expected) => {
    expect(recommendedWorkerCount(backend, cores)).toBe(expected);
  });
});
