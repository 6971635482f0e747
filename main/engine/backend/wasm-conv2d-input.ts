/**
 * Conv2DBackpropInput for tfjs-backend-wasm, as one XNNPACK product and a scatter.
 *
 * dx[b, oy*sh + kh - top, ox*sw + kw - left, ci] += sum over co of dy[b, oy, ox, co] * w[kh, kw, ci, co].
 * The sums over co for every output pixel and tap are one product, cols = dy . wT with dy read as
 * [pixels, outChannels] (its own layout) and wT = w viewed as [taps, outChannels], transposed; each
 * row of cols is then added into dx at the tap's input position (col2im). 4.22's own kernel takes
 * 7 ms for E4's first layer (a [32, 28, 28, 32] dy, 3x3x1x32 filter); this takes about 1 ms. autograd
 * of a conv layer always computes it, even when the input is data.
 */
import {
  backend_util,
  util,
  type Conv2DBackpropInputAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { asWasmBackend, copySlice, disposeAll, heapF32, kernelInput, runKernel, view } from './wasm-heap';

/** Caps the cols matrix at 16 MB; larger batches are processed in slices. */
const DEFAULT_MAX_COLS_FLOATS = 1 << 22;

type ConvInfo = backend_util.Conv2DInfo;

/**
 * Adds cols ([nb * outH * outW, taps], taps in filter order (kh, kw, ci)) into dx for batch entries
 * [b0, b0 + nb). `acc` is a float64 scratch of one image, so each input cell is rounded once.
 */
function scatterCols(
  dx: Float32Array,
  cols: Float32Array,
  c: ConvInfo,
  b0: number,
  nb: number,
  acc: Float64Array,
): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const taps = KH * KW * CI;
  let row = 0;
  for (let b = b0; b < b0 + nb; b++) {
    acc.fill(0);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, row += taps) {
        for (let kh = 0; kh < KH; kh++) {
          const iy = oy * sh + kh - top;
          if (iy < 0 || iy >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const ix = ox * sw + kw - left;
            if (ix < 0 || ix >= W) continue;
            const dst = (iy * W + ix) * CI;
            const src = row + (kh * KW + kw) * CI;
            for (let ci = 0; ci < CI; ci++) acc[dst + ci] += cols[src + ci];
          }
        }
      }
    }
    const image = b * H * W * CI;
    for (let i = 0; i < acc.length; i++) dx[image + i] = acc[i];
  }
}

export function makeConv2DBackpropInput(
  matMul: KernelFunc,
  original: KernelFunc,
  maxColsFloats = DEFAULT_MAX_COLS_FLOATS,
): KernelFunc {
  return (args) => {
    const dy = kernelInput(args.inputs, 'dy');
    const filter = kernelInput(args.inputs, 'filter');
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      args.attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return original(args);
    const backend = asWasmBackend(args.backend);
    const c = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const expectedDy = [c.batchSize, c.outHeight, c.outWidth, c.outChannels];
    if (!util.arraysEqual(dy.shape, expectedDy)) {
      throw new Error(`Conv2DBackpropInput: dy has shape [${dy.shape}], expected [${expectedDy}]`);
    }
    const taps = c.filterHeight * c.filterWidth * c.inChannels;
    const pixels = c.outHeight * c.outWidth;
    const dxInfo = backend.makeOutput(inputShape, 'float32');
    if (util.sizeFromShape(inputShape) === 0) return dxInfo;
    if (pixels === 0 || c.outChannels === 0) {
      heapF32(backend, dxInfo).fill(0);
      return dxInfo;
    }
    // A fresh [outChannels, taps] operand: XNNPACK packs and caches b by tensor id, so it must never
    // be a reshape of the caller's filter.
    const wT = backend.makeOutput([1, c.outChannels, taps], 'float32');
    const temps: TensorInfo[] = [wT];
    try {
      transposeInto(heapF32(backend, wT), heapF32(backend, filter), taps, c.outChannels);
      const chunk = Math.max(1, Math.min(c.batchSize, Math.floor(maxColsFloats / (pixels * taps))));
      const acc = new Float64Array(c.inHeight * c.inWidth * c.inChannels);
      for (let b0 = 0; b0 < c.batchSize; b0 += chunk) {
        const nb = Math.min(chunk, c.batchSize - b0);
        const rows = nb * pixels;
        const dySlice =
          nb === c.batchSize
            ? view(dy, [1, rows, c.outChannels])
            : copySlice(backend, dy, b0 * pixels * c.outChannels, [1, rows, c.outChannels]);
        if (nb !== c.batchSize) temps.push(dySlice);
        const cols = runKernel(matMul, {
          inputs: { a: dySlice, b: wT },
          backend,
          attrs: { transposeA: false, transposeB: false },
        });
        temps.push(cols);
        // Views after the product: its output allocation may have grown wasm memory.
        scatterCols(heapF32(backend, dxInfo), heapF32(backend, cols), c, b0, nb, acc);
        disposeAll(backend, temps.splice(1));
      }
      return dxInfo;
    } catch (error) {
      backend.disposeData(dxInfo.dataId);
      throw error;
    } finally {
      disposeAll(backend, temps);
    }
  };
}

/** dst[j, i] = src[i, j] for a row-major [rows, cols] src. */
function transposeInto(dst: Float32Array, src: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
  }
}
