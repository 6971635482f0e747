import { util } from '@tensorflow/tfjs-core';

/** For each flat index into the broadcast outer shape, the flat index into `outer`. */
export function broadcastSources(outer: number[], outOuter: number[]): Int32Array {
  const rank = outOuter.length;
  const padded = [...new Array<number>(rank - outer.length).fill(1), ...outer];
  const inStrides = rank === 0 ? [] : [...util.computeStrides(padded), 1];
  const outStrides = rank === 0 ? [] : [...util.computeStrides(outOuter), 1];
  const src = new Int32Array(util.sizeFromShape(outOuter));
  for (let i = 0; i < src.length; i++) {
    let rest = i;
    let idx = 0;
    for (let d = 0; d < rank; d++) {
      const coord = Math.floor(rest / outStrides[d]);
      rest -= coord * outStrides[d];
      if (padded[d] !== 1) idx += coord * inStrides[d];
    }
    src[i] = idx;
  }
  return src;
}
