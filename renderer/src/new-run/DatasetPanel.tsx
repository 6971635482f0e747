import type { DatasetInfo } from '../../../common/types';
import { formatInteger, formatShape } from '../common/format';
import { ClassThumbnails } from '../datasets/ClassThumbnails';

export function DatasetPanel({ dataset }: { dataset: DatasetInfo }) {
  return (
    <section className="panel" data-testid="dataset-info" aria-labelledby="dataset-heading">
      <h2 id="dataset-heading">Dataset</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>
          {dataset.name}{' '}
          <span className="muted">
            ({dataset.id}, {dataset.source})
          </span>
        </dd>
        <dt>Example shape</dt>
        <dd>{formatShape(dataset.shape)}</dd>
        <dt>Classes</dt>
        <dd>{dataset.classes}</dd>
        <dt>Examples</dt>
        <dd>
          {formatInteger(dataset.examples)}
          {dataset.officialTest > 0 && (
            <span className="muted"> (official test part {formatInteger(dataset.officialTest)})</span>
          )}
        </dd>
        <dt>Fingerprint</dt>
        <dd className="mono" title={dataset.fingerprint}>
          {dataset.fingerprint.slice(0, 16)}…
        </dd>
      </dl>
      {dataset.description && <p className="muted">{dataset.description}</p>}
      <ClassThumbnails dataset={dataset} />
    </section>
  );
}
