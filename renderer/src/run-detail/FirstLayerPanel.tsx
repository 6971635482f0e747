import { useState } from 'react';
import type { RunDetail } from '../../../common/run-types';
import { useClient } from '../client/client-context';
import { useLoad } from '../common/use-load';
import { SampleImage } from '../datasets/SampleImage';

/** A kept epoch in words: "12 (best, last)". */
const keptText = (c: RunDetail['checkpoints'][number]) => `${c.epoch} (${c.kinds.join(', ')})`;

/**
 * The first layer's weights as pictures at a kept checkpoint: an MLP on images shows each of its first 64
 * hidden units' incoming weights as an image of the input's size, a CNN its first filters. One grey scale for
 * all: black most negative, mid grey zero, white most positive.
 */
export function FirstLayerPanel({ run }: { run: RunDetail }) {
  const client = useClient();
  const kept = run.checkpoints;
  const [epoch, setEpoch] = useState<number | null>(null);
  const picked = epoch !== null && kept.some((c) => c.epoch === epoch) ? epoch : null;
  const defaultKind = kept.some((c) => c.kinds.includes('best')) ? 'best' : 'last';
  const chosen = picked ?? kept.find((c) => c.kinds.includes(defaultKind))?.epoch ?? null;
  // Unless an epoch was picked, ask by kind: a live run replaces its best checkpoint between this page's
  // reload and the call, and a number read a moment ago may no longer be kept.
  const pictures = useLoad(
    () =>
      kept.length === 0
        ? Promise.resolve(null)
        : client.call('models.firstLayer', { runId: run.id, epoch: picked ?? defaultKind }),
    `${run.id}:${picked ?? defaultKind}:${kept.map((c) => `${c.epoch}/${c.sha256}`).join(',')}`,
  );
  // A dense layer on tabular features has no picture: the panel stays away rather than show an empty box.
  if (kept.length === 0 || pictures.data?.drawable === false) return null;
  const data = pictures.data;
  return (
    <section className="panel first-layer" aria-labelledby="first-layer-heading" data-testid="first-layer">
      <div className="panel-header">
        <h2 id="first-layer-heading">First layer</h2>
        <label>
          At epoch{' '}
          <select
            value={chosen ?? ''}
            onChange={(e) => setEpoch(Number(e.target.value))}
            data-testid="first-layer-epoch"
          >
            {kept.map((c) => (
              <option key={c.epoch} value={c.epoch}>
                {keptText(c)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {pictures.error && (
        <p className="muted" data-testid="first-layer-none">
          {pictures.error}
        </p>
      )}
      {data && (
        <>
          <p className="hint">
            {data.kind === 'dense'
              ? `Each of the first ${data.tiles.length} of ${data.units} units of ${data.layer}: its incoming weights, drawn as the input image.`
              : `The first ${data.tiles.length} of ${data.units} filters of ${data.layer} (input channel 0).`}{' '}
            Black −{data.maxAbs.toPrecision(2)}, grey 0, white +{data.maxAbs.toPrecision(2)}.
          </p>
          <div className="first-layer-tiles" data-testid="first-layer-tiles">
            {data.tiles.map((values, i) => (
              <SampleImage
                key={i}
                values={values}
                shape={data.tileShape}
                range={{ min: -data.maxAbs, max: data.maxAbs }}
                label={`${data.kind === 'dense' ? 'unit' : 'filter'} ${i}`}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
