import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { summarizeEpochs } from '../../../common/metrics/summary';
import type { EpochMetrics, MetricName } from '../../../common/types';
import { formatMetric, formatPercent, formatSetting } from '../common/format';
import { SpacerRow, spacerHeights } from '../common/VirtualRows';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import { forkHref } from './fork-link';

const ROW_HEIGHT = 32;

const METRIC_COLUMNS: ReadonlyArray<{ metric: MetricName; label: string }> = [
  { metric: 'trainLoss', label: 'Train loss' },
  { metric: 'trainAcc', label: 'Train acc' },
  { metric: 'valLoss', label: 'Val loss' },
  { metric: 'valAcc', label: 'Val acc' },
  { metric: 'testLoss', label: 'Test loss' },
  { metric: 'testAcc', label: 'Test acc' },
];

/**
 * Every logged epoch; each metric's best epoch (lowest loss, highest accuracy) is highlighted. Epochs whose
 * checkpoint is kept say so and link to a fork from them.
 */
export function EpochTable({
  epochs,
  runId,
  checkpoints = [],
}: {
  epochs: readonly EpochMetrics[];
  runId?: string;
  checkpoints?: readonly CheckpointInfo[];
}) {
  const kept = useMemo(() => new Map(checkpoints.map((c) => [c.epoch, c])), [checkpoints]);
  const best = useMemo(() => {
    const byMetric = new Map<MetricName, number>();
    for (const s of summarizeEpochs(epochs)) byMetric.set(s.metric, s.bestEpoch);
    return byMetric;
  }, [epochs]);
  const scroller = useRef<HTMLDivElement>(null);
  // Thousands of epochs (E7 trains 350, long runs more) stay cheap: only the rows in view are rendered.
  const virtualizer = useVirtualizer({
    count: epochs.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
  });
  const items = virtualizer.getVirtualItems();
  const [above, below] = spacerHeights(items, virtualizer.getTotalSize());
  const columns = METRIC_COLUMNS.length + 4;

  if (epochs.length === 0) return <p className="muted">No epoch has finished yet.</p>;

  return (
    <div className="table-scroller epoch-scroller" ref={scroller} tabIndex={0} aria-label="Epochs">
      <table className="data-table epoch-table" data-testid="epoch-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              Epoch
            </th>
            {METRIC_COLUMNS.map((c) => (
              <th key={c.metric} scope="col" className="num">
                {c.label}
              </th>
            ))}
            <th scope="col" className="num">
              LR
            </th>
            <th scope="col" className="num">
              Seconds
            </th>
            <th scope="col">Checkpoint</th>
          </tr>
        </thead>
        <tbody>
          <SpacerRow height={above} colSpan={columns} />
          {items.map((item) => {
            const e = epochs[item.index];
            return (
              <tr key={e.epoch} data-testid="epoch-row" style={{ height: ROW_HEIGHT }}>
                <th scope="row" className="num">
                  {e.epoch}
                </th>
                {METRIC_COLUMNS.map(({ metric }) => {
                  const isBest = best.get(metric) === e.epoch;
                  const value = metric.endsWith('Acc') ? formatPercent(e[metric]) : formatMetric(e[metric]);
                  return (
                    <td key={metric} className={isBest ? 'num best' : 'num'}>
                      {value}
                      {isBest && <span className="visually-hidden"> (best)</span>}
                    </td>
                  );
                })}
                <td className="num">{formatSetting(e.lr)}</td>
                <td className="num">{e.seconds.toFixed(2)}</td>
                <td>
                  {kept.has(e.epoch) && runId !== undefined && (
                    <a href={forkHref(runId, e.epoch)} data-testid="fork-from-epoch" title="Fork from here">
                      {kept.get(e.epoch)?.kinds.join(', ')} · fork
                    </a>
                  )}
                </td>
              </tr>
            );
          })}
          <SpacerRow height={below} colSpan={columns} />
        </tbody>
      </table>
    </div>
  );
}
