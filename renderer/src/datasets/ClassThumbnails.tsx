import type { DatasetInfo } from '../../../common/types';
import { useClient } from '../client/client-context';
import { useLoad } from '../common/use-load';
import { SampleImage } from './SampleImage';

/**
 * One example of each class of an image dataset, drawn small: what the dataset a run is about to train on
 * looks like. Nothing for tabular data (there is no picture of a row).
 */
export function ClassThumbnails({ dataset }: { dataset: DatasetInfo }) {
  const client = useClient();
  const image = dataset.shape.length >= 2;
  const preview = useLoad(
    () =>
      image
        ? client.call('datasets.preview', { datasetId: dataset.id, samplesPerClass: 1 })
        : Promise.resolve(null),
    `${dataset.id}:${dataset.fingerprint}`,
  );
  const data = preview.data;
  if (!image || !data?.samples || !data.shape) return null;
  return (
    <div className="class-thumbnails" data-testid="class-thumbnails">
      {data.samples.map((s) => (
        <SampleImage
          key={s.label}
          values={s.values}
          shape={data.shape!}
          range={data.valueRange ?? { min: 0, max: 1 }}
          label={`an example of class ${data.classNames?.[s.label] ?? s.label}`}
        />
      ))}
    </div>
  );
}
