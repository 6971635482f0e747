/**
 * Conv2DBackpropFilter for tfjs-backend-wasm, which 4.22 does not ship (so tf.grad through
 * tf.conv2d throws on wasm).
 *
 * dW[kh, kw, ci, co] = sum over (b, oy, ox) of x[b, oy*sh + kh - top, ox*sw + kw - left, ci] * dy[b, oy, ox, co].
 * We lay the input patches out as colsT[(kh, kw, ci), (b, oy, ox)] directly on the wasm heap, so
 * dW = colsT . dy is one untransposed product on XNNPACK and lands in filter layout as is.
 */
import {
  backend_util,
  util,
  type Conv2DBackpropFilterAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  asWasmBackend,
  copySlice,
  disposeAll,
  heapF32,
  kernelInput,
  runKernel,
  view,
  type WasmBackend,
} from './wasm-heap';

/** Caps the patch matrix at 16 MB; larger batches are processed in slices and summed. */
const DEFAULT_MAX_PATCH_FLOATS = 1 << 22;

type ConvInfo = backend_util.Conv2DInfo;

/** Writes colsT for batch entries [b0, b0 + nb) into `cols` ([K, nb * outH * outW], row-major). */
function fillPatchesTransposed(
  cols: Float32Array,
  x: Float32Array,
  c: ConvInfo,
  b0: number,
  nb: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const rowLen = nb * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      // Output columns whose input column ox*sw + kw - left falls inside the image.
      const oxMin = Math.min(OW, Math.max(0, Math.ceil((left - kw) / sw)));
      const oxMax = Math.max(oxMin, Math.min(OW, Math.floor((W - 1 + left - kw) / sw) + 1));
      const ix0 = oxMin * sw + kw - left;
      for (let ci = 0; ci < C; ci++) {
        let dst = ((kh * KW + kw) * C + ci) * rowLen;
        for (let b = b0; b < b0 + nb; b++) {
          for (let oy = 0; oy < OH; oy++, dst += OW) {
            const iy = oy * sh + kh - top;
            if (iy < 0 || iy >= H) {
              cols.fill(0, dst, dst + OW);
              continue;
            }
            if (oxMin > 0) cols.fill(0, dst, dst + oxMin);
            let src = ((b * H + iy) * W + ix0) * C + ci;
            const step = sw * C;
            for (let ox = oxMin; ox < oxMax; ox++, src += step) cols[dst + ox] = x[src];
            if (oxMax < OW) cols.fill(0, dst + oxMax, dst + OW);
          }
        }
      }
    }
  }
}

export function makeConv2DBackpropFilter(
  matMul: KernelFunc,
  maxPatchFloats = DEFAULT_MAX_PATCH_FLOATS,
): KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = kernelInput(args.inputs, 'x');
    const dy = kernelInput(args.inputs, 'dy');
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat !== 'NHWC') {
      throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`);
    }
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter on wasm needs float32 inputs, got ${x.dtype} and ${dy.dtype}`);
    }
    const c = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const expectedDy = [c.batchSize, c.outHeight, c.outWidth, c.outChannels];
    if (!util.arraysEqual(dy.shape, expectedDy)) {
      throw new Error(`Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${expectedDy}]`);
    }
    const rows = c.filterHeight * c.filterWidth * c.inChannels;
    const perEntry = c.outHeight * c.outWidth;
    if (c.batchSize === 0 || perEntry === 0) {
      const zeros = backend.makeOutput(filterShape, 'float32');
      heapF32(backend, zeros).fill(0);
      return zeros;
    }
    const chunk = Math.max(1, Math.min(c.batchSize, Math.floor(maxPatchFloats / (rows * perEntry))));

    let result: TensorInfo | null = null;
    for (let b0 = 0; b0 < c.batchSize; b0 += chunk) {
      const nb = Math.min(chunk, c.batchSize - b0);
      const part = filterGradSlice(matMul, backend, x, dy, c, b0, nb, rows);
      if (result == null) {
        result = part;
      } else {
        const acc = heapF32(backend, result);
        const add = heapF32(backend, part);
        for (let i = 0; i < acc.length; i++) acc[i] += add[i];
        backend.disposeData(part.dataId);
      }
    }
    return view(result as TensorInfo, filterShape);
  };
}

/** dW contribution of batch entries [b0, b0 + nb), as a [1, rows, outChannels] tensor. */
function filterGradSlice(
  matMul: KernelFunc,
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  c: ConvInfo,
  b0: number,
  nb: number,
  rows: number,
): TensorInfo {
  const m = nb * c.outHeight * c.outWidth;
  // Always a fresh tensor: XNNPACK caches packed weights by the b operand's id alone, and dy's id
  // is shared with every reshape of it, which could meet a cached operator of another shape.
  const dySlice = copySlice(backend, dy, b0 * (m / nb) * c.outChannels, [1, m, c.outChannels]);
  const cols = backend.makeOutput([1, rows, m], 'float32');
  try {
    fillPatchesTransposed(heapF32(backend, cols), heapF32(backend, x), c, b0, nb);
    return runKernel(matMul, {
      inputs: { a: cols, b: dySlice },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
  } finally {
    disposeAll(backend, [cols, dySlice]);
  }
}
