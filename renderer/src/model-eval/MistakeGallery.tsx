import { useEffect, useRef } from 'react';
import type { Mistake, ModelEvaluation } from '../../../common/model-eval/types';
import { formatPercent } from '../common/format';
import { examplePixels, imageShape, zoomFor, type ImageShape } from './example-image';

/** Features a tabular mistake shows; wider rows end in "…" (their values are in the CSV of the dataset). */
const MAX_FEATURES = 12;

/**
 * The model's most confident mistakes: the images themselves for image data (each drawn on a canvas from its
 * stored pixels), the feature values for tabular data, with the true class, the predicted one and how sure
 * the model was.
 */
export function MistakeGallery({ evaluation }: { evaluation: ModelEvaluation }) {
  const { mistakes, classes } = evaluation;
  const shown = mistakes.filter((m) => m.input !== undefined);
  if (mistakes.length === 0) {
    return (
      <p className="muted" data-testid="mistakes-none">
        No mistakes: every example of this split is predicted right.
      </p>
    );
  }
  const image = imageShape(evaluation.inputShape);
  const caption = `The ${shown.length} most confident of ${mistakes.length} mistake${mistakes.length === 1 ? '' : 's'}`;
  if (image && shown.length > 0) {
    return (
      <div>
        <p className="muted">{caption}; # is the example's position in the split.</p>
        <ol className="mistake-gallery" data-testid="mistake-gallery" aria-label="Most confident mistakes">
          {shown.map((m) => (
            <li key={m.index} className="mistake" data-testid="mistake" data-index={m.index}>
              <ExampleCanvas
                input={m.input!}
                shape={image}
                label={`Example ${m.index}: a ${classes[m.label]} predicted as ${classes[m.predicted]}`}
              />
              <span className="mistake-caption">
                <span>
                  true <strong>{classes[m.label]}</strong> →{' '}
                  <strong className="mistake-predicted">{classes[m.predicted]}</strong>
                </span>
                <span className="muted">
                  {formatPercent(m.confidence)} · #{m.index}
                </span>
              </span>
            </li>
          ))}
        </ol>
      </div>
    );
  }
  return (
    <div>
      <p className="muted">
        {shown.length > 0
          ? caption
          : `The ${Math.min(24, mistakes.length)} most confident of ${mistakes.length} mistakes`}
        .
      </p>
      <TabularMistakes mistakes={shown.length > 0 ? shown : mistakes.slice(0, 24)} classes={classes} />
    </div>
  );
}

function TabularMistakes({
  mistakes,
  classes,
}: {
  mistakes: readonly Mistake[];
  classes: readonly string[];
}) {
  const features = Math.min(MAX_FEATURES, mistakes[0]?.input?.length ?? 0);
  const more = (mistakes[0]?.input?.length ?? 0) > MAX_FEATURES;
  return (
    <div className="table-scroller">
      <table className="data-table compact" data-testid="mistake-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            {Array.from({ length: features }, (_, f) => (
              <th key={f} scope="col" className="num">
                x{f + 1}
              </th>
            ))}
            {more && <th scope="col">…</th>}
            <th scope="col">true</th>
            <th scope="col">predicted</th>
            <th scope="col" className="num">
              confidence
            </th>
          </tr>
        </thead>
        <tbody>
          {mistakes.map((m) => (
            <tr key={m.index} data-testid="mistake" data-index={m.index}>
              <td className="num">{m.index}</td>
              {Array.from({ length: features }, (_, f) => (
                <td key={f} className="num">
                  {formatFeature(m.input?.[f])}
                </td>
              ))}
              {more && <td>…</td>}
              <td>{classes[m.label]}</td>
              <td className="mistake-predicted">{classes[m.predicted]}</td>
              <td className="num">{formatPercent(m.confidence)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatFeature(value: number | undefined): string {
  if (value === undefined) return '';
  return String(Number(value.toPrecision(4)));
}

/** One example's pixels on a canvas of its own size, magnified by CSS without smoothing. */
export function ExampleCanvas({
  input,
  shape,
  label,
}: {
  input: readonly number[];
  shape: ImageShape;
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(shape.width, shape.height);
    image.data.set(examplePixels(input, shape));
    context.putImageData(image, 0, 0);
  }, [input, shape]);
  const zoom = zoomFor(shape);
  return (
    <canvas
      ref={canvas}
      className="example-canvas"
      width={shape.width}
      height={shape.height}
      style={{ width: shape.width * zoom, height: shape.height * zoom }}
      role="img"
      aria-label={label}
      data-testid="example-canvas"
    />
  );
}
