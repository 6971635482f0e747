import { useEffect, useRef } from 'react';
import { examplePixels, imageShape } from '../model-eval/example-image';

/**
 * One example drawn as a picture (grey, or colour for three channels), its values mapped from `range` to
 * black…white, so that every picture of a set shares one scale. `shape` is the example's: [h, w] or [h, w, c].
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
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    // jsdom (component tests) has no canvas: the element stays, labelled, and empty.
    const image = imageShape(shape.length === 2 ? shape : shape.slice(0, 3));
    if (!context || !image) return;
    const data = context.createImageData(image.width, image.height);
    data.data.set(examplePixels(values, image, range));
    context.putImageData(data, 0, 0);
  }, [values, shape, range]);
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
