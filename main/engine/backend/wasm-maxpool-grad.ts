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
 * sum in double precision; it is left zeroed.
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
  const twoByTwo = KH === 2 && KW === 2;
  // Offsets (into x, at channel 0) of the current window's cells inside the image, in row-major order.
  const cells = new Int32Array(KH * KW);
  for (let b = 0; b < N; b++) {
    const xBase = b * imageSize;
    // Without a scratch we write into dx at x's offsets; with one, at offsets into the image.
    const out: Float32Array | Float64Array = acc ?? dx;
    const outShift = acc == null ? 0 : -xBase;
    let o = b * OH * OW * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sh - top;
      const iy0 = Math.max(0, y0);
      const iy1 = Math.min(H, y0 + KH);
      for (let ox = 0; ox < OW; ox++, o += C) {
        const x0 = ox * sw - left;
        const ix0 = Math.max(0, x0);
        const ix1 = Math.min(W, x0 + KW);
        // Comparisons are strictly greater from -inf, as on cpu: the first maximum wins, NaN never
        // does, and a window of -inf / NaN (or with no cell inside the image) passes nothing on.
        if (twoByTwo && iy1 - iy0 === 2 && ix1 - ix0 === 2) {
          // The hot case (2x2 pooling, window inside the image), unrolled: ~30 % faster.
          const s0 = xBase + (iy0 * W + ix0) * C;
          const s1 = s0 + C;
          const s2 = s0 + W * C;
          const s3 = s2 + C;
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            let v = x[s0 + c];
            if (v > best) {
              best = v;
              at = s0 + c;
            }
            v = x[s1 + c];
            if (v > best) {
              best = v;
              at = s1 + c;
            }
            v = x[s2 + c];
            if (v > best) {
              best = v;
              at = s2 + c;
            }
            v = x[s3 + c];
            if (v > best) at = s3 + c;
            if (at >= 0) out[at + outShift] += dy[o + c];
          }
          continue;
        }
        let n = 0;
        for (let iy = iy0; iy < iy1; iy++) {
          for (let ix = ix0; ix < ix1; ix++) cells[n++] = xBase + (iy * W + ix) * C;
        }
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let k = 0; k < n; k++) {
            const i = cells[k] + c;
            const v = x[i];
            if (v > best) {
              best = v;
              at = i;
            }
          }
          if (at >= 0) out[at + outShift] += dy[o + c];
        }
      }
    }
    if (acc != null) {
      // Windows are summed in cpu's order (output row, then column), so one rounding matches it exactly.
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
