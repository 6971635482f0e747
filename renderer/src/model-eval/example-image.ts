/**
 * How an example as stored becomes pixels: an image shape ([h, w], [h, w, 1] or [h, w, 3]) is drawn as such,
 * anything else is a row of numbers. 8-bit data (0–255) is drawn as it is, 0–1 data scaled up, anything else
 * stretched from its smallest to its largest value.
 */

export interface ImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

export function imageShape(shape: readonly number[]): ImageShape | null {
  const [height, width, channels = 1] = shape;
  if (shape.length !== 2 && shape.length !== 3) return null;
  if (!(height > 1 && width > 1) || (channels !== 1 && channels !== 3)) return null;
  return { height, width, channels: channels === 3 ? 3 : 1 };
}

/** RGBA bytes (height × width × 4) of one example, grey for one channel. */
export function examplePixels(
  input: readonly number[],
  shape: ImageShape,
  range?: { min: number; max: number },
): Uint8ClampedArray {
  let min = Infinity;
  let max = -Infinity;
  for (const v of input) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A range given (a dataset's, or ± the largest weight) maps onto black…white for every image alike.
  const span = range ? range.max - range.min || 1 : 0;
  const byte = range
    ? (v: number) => ((v - range.min) / span) * 255
    : min >= 0 && max <= 1
      ? (v: number) => v * 255
      : min >= 0 && max <= 255
        ? (v: number) => v
        : (v: number) => (max > min ? ((v - min) / (max - min)) * 255 : 0);
  const pixels = shape.height * shape.width;
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    if (shape.channels === 1) {
      const g = byte(input[p]);
      out[p * 4] = g;
      out[p * 4 + 1] = g;
      out[p * 4 + 2] = g;
    } else {
      out[p * 4] = byte(input[p * 3]);
      out[p * 4 + 1] = byte(input[p * 3 + 1]);
      out[p * 4 + 2] = byte(input[p * 3 + 2]);
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** On-screen magnification: a 28 × 28 digit becomes 84 × 84 CSS pixels, whole multiples only. */
export function zoomFor(shape: ImageShape, target = 84): number {
  return Math.max(1, Math.round(target / Math.max(shape.height, shape.width)));
}
