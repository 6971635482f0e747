import type { InitScheme } from '../../../common/config/run-config';
import { createRng, normalSample } from '../../../common/random';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** Fans of a dense kernel [in, out] or a conv kernel [kh, kw, in, out] (receptive field × channels, as Keras). */
export function fansOf(shape: readonly number[]): Fans {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length === 4) {
    const receptiveField = shape[0] * shape[1];
    return { fanIn: receptiveField * shape[2], fanOut: receptiveField * shape[3] };
  }
  throw new Error(`no fan-in/fan-out for a kernel of shape [${shape.join(', ')}]`);
}

/** Standard deviation (normal schemes) or half-width (uniform) that a scheme gives for these fans. */
export function initScale(scheme: InitScheme, fans: Fans): number {
  if (typeof scheme === 'object') return scheme.std;
  switch (scheme) {
    case 'xavier':
      return Math.sqrt(2 / (fans.fanIn + fans.fanOut));
    case 'xavier-uniform':
      return Math.sqrt(6 / (fans.fanIn + fans.fanOut));
    case 'he':
      return Math.sqrt(2 / fans.fanIn);
  }
}

/**
 * Initial kernel values drawn in JS from the seeded RNG, so that every backend starts from the same numbers.
 * Normal schemes are untruncated (the assignments used plain N(0, σ²)).
 */
export function initialKernel(scheme: InitScheme, shape: readonly number[], seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const rng = createRng(seed);
  const scale = initScale(scheme, fansOf(shape));
  if (scheme === 'xavier-uniform') {
    for (let i = 0; i < size; i++) values[i] = (2 * rng() - 1) * scale;
    return values;
  }
  const mean = typeof scheme === 'object' ? scheme.mean : 0;
  for (let i = 0; i < size; i++) values[i] = mean + scale * normalSample(rng);
  return values;
}
