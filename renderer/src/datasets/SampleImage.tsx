import { useEffect, useRef } from 'react';

/**
 * One example drawn as a grey-scale picture, its values mapped from the dataset's range to black…white.
 * `shape` is the example's: [h, w] or [h, w, 1]; other channel counts take the first channel.
 */
export function SampleImage({
  values,
  shape,
  range,
  label,
}: {
  values: readonly number[];
  shape: readonly number[];
  range: { min: number; max: number };
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [height, width] = shape;
  const channels = shape.length > 2 ? shape.slice(2).reduce((a, b) => a * b, 1) : 1;
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    // jsdom (component tests) has no canvas: the element stays, labelled, and empty.
    if (!context) return;
    const image = context.createImageData(width, height);
    const span = range.max - range.min || 1;
    for (let i = 0; i < width * height; i += 1) {
      const v = Math.round(((values[i * channels] - range.min) / span) * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [values, width, height, channels, range.min, range.max]);
  return (
    <canvas
      ref={canvas}
      width={width}
      height={height}
      className="sample-image"
      role="img"
      aria-label={label}
      data-testid="dataset-sample"
    />
  );
}
