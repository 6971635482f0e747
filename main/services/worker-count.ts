import type { BackendName } from '../../common/types';

/**
 * How many training workers a machine should run at once. Native TensorFlow already spreads one op over
 * every core (intra-op threads), so a second worker would only fight the first; the wasm and cpu backends
 * are single-threaded in Node (threaded wasm is off there), so each core gets its own worker.
 */
export function recommendedWorkerCount(backend: BackendName, cores: number): number {
  if (backend === 'tensorflow' || backend === 'tensorflow-gpu') return 1;
  return Math.max(1, Math.floor(cores));
}

export function describeWorkerCount(backend: BackendName, cores: number): string {
  const count = recommendedWorkerCount(backend, cores);
  return backend === 'tensorflow' || backend === 'tensorflow-gpu'
    ? `${count} (native TensorFlow uses every core itself)`
    : `${count} (one per core: ${backend} trains single-threaded)`;
}
