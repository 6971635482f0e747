/**
 * MaxPoolGrad for tfjs-backend-wasm. 4.22's C++ kernel is wrong whenever every value in a pooling
 * window is negative: it sends the window's gradient to the window's first element instead of its
 * maximum (dx of [-4, -3, -2, -1] is [1, 0, 0, 0]; cpu gives [0, 0, 0, 1]). Max pooling of batch norm
 * output, half of which is negative, hits this in nearly every step.
 *
 * Same semantics as tfjs-backend-cpu's MaxPoolGrad: each window's gradient goes to the FIRST maximum of
 * the window in row-major (row, column) order, found from `input` itself; NaN never counts as a maximum,
 * and a window with no value above -inf (or no valid cell at all) passes no gradient on. Where windows
 * overlap, contributions are summed in float64 in cpu's order and rounded once, so results match cpu
 * bit for bit.
 */
import { backend_util, util, type KernelFunc, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { asWasmBackend, heapF32, kernelInput } from './wasm-heap';

type PoolInfo = backend_util.Conv2DInfo;

/**
 * Adds each window's dy to the window's argmax in `dx` (NHWC, zeroed by the caller). `acc`, when given,
 * is a zeroed float64 scratch of one image (H * W * C) used instead of `dx` so that overlapping windows
 * sum in double precision.
 */
function scatterMaxPoolGrad(
  dx: Float32Array,
  x: Float32Array,
  dy: Float32Array,
  p: PoolInfo,
  acc: Float64Array | null,
): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = p;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: KH, effectiveFilterWidth: KW } = p;
  const top = p.padInfo.top;
  const left = p.padInfo.left;
  const imageSize = H * W * C;
  // Offsets (into this image of x, channel 0) of the current window's cells, in row-major order.
  const cells = new Int32Array(p.filterHeight * p.filterWidth);
  for (let b = 0; b < N; b++) {
    const xBase = b * imageSize;
    // Without a scratch we write into dx at the image's offset; with one, at 0 and copy after.
    const out: Float32Array | Float64Array = acc ?? dx;
    const outBase = acc == null ? xBase : 0;
    let o = b * OH * OW * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sh - top;
      const iy0 = Math.max(0, y0);
      const iy1 = Math.min(H, y0 + KH);
      for (let ox = 0; ox < OW; ox++, o += C) {
        const x0 = ox * sw - left;
        const ix0 = Math.max(0, x0);
        const ix1 = Math.min(W, x0 + KW);
        let n = 0;
        for (let iy = iy0; iy < iy1; iy++) {
          for (let ix = ix0; ix < ix1; ix++) cells[n++] = (iy * W + ix) * C;
        }
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let k = 0; k < n; k++) {
            const i = cells[k] + c;
            const v = x[xBase + i];
            // Strictly greater: the first maximum wins, and NaN never does (as on cpu).
            if (v > best) {
              best = v;
              at = i;
            }
          }
          if (at >= 0) out[outBase + at] += dy[o + c];
        }
      }
    }
    if (acc != null) {
      dx.set(acc, xBase);
      acc.fill(0);
    }
  }
}

export const maxPoolGrad: KernelFunc = (args) => {
  const backend = asWasmBackend(args.backend);
  const dy = kernelInput(args.inputs, 'dy');
  const input = kernelInput(args.inputs, 'input');
  // `output` (the forward max) is not needed: positions come from `input`, as on cpu.
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`MaxPoolGrad on wasm needs float32 inputs, got ${input.dtype} and ${dy.dtype}`);
  }
  if (input.shape.length !== 4) {
    throw new Error(`MaxPoolGrad on wasm needs a rank-4 NHWC input, got shape [${input.shape}]`);
  }
  const p = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  if (!util.arraysEqual(dy.shape, p.outShape)) {
    throw new Error(`MaxPoolGrad: dy has shape [${dy.shape}], expected [${p.outShape}]`);
  }
  const dxInfo = backend.makeOutput(input.shape, 'float32');
  // Views only after the last heap allocation (makeOutput may grow, and so detach, wasm memory).
  const dx = heapF32(backend, dxInfo);
  dx.fill(0);
  const overlapping = p.strideHeight < p.effectiveFilterHeight || p.strideWidth < p.effectiveFilterWidth;
  const acc = overlapping ? new Float64Array(p.inHeight * p.inWidth * p.inChannels) : null;
  scatterMaxPoolGrad(dx, heapF32(backend, input), heapF32(backend, dy), p, acc);
  return dxInfo;
};
