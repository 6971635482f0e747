import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState } from 'react';
import type { RunTableRow } from '../../../common/api/contract';
import { formatDateTime, formatPercent } from '../common/format';
import { StatusBadge } from '../common/StatusBadge';
import { matchesRunFilter } from '../runs/runs-filter';
import { RunFilterField } from '../runs/RunFilterField';

const ITEM_HEIGHT = 48;

interface RunPickerProps {
  runs: readonly RunTableRow[];
  selected: readonly string[];
  onToggle: (runId: string, on: boolean) => void;
  onClear: () => void;
}

/** Every run with a checkbox, newest first, filterable; a long list renders only what is in view. */
export function RunPicker({ runs, selected, onToggle, onClear }: RunPickerProps) {
  const headingId = useId();
  const [filter, setFilter] = useState('');
  // Selected runs may be anywhere in a long list; this narrows it to them instead of reordering it
  // (rows jumping away from under the pointer on every click would be worse).
  const [onlySelected, setOnlySelected] = useState(false);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const shown = useMemo(
    () =>
      runs
        .filter((run) => (!onlySelected || chosen.has(run.id)) && matchesRunFilter(run, filter))
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
    [runs, filter, onlySelected, chosen],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ITEM_HEIGHT,
    overscan: 10,
  });

  return (
    <section className="panel run-picker" aria-labelledby={`${headingId}`}>
      <h2 id={`${headingId}`}>Runs to compare</h2>
      <RunFilterField value={filter} onChange={setFilter} testId="compare-filter" />
      <p className="muted picker-status">
        <span>{selected.length} selected</span>
        <label className="inline-check">
          <input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} />
          show only selected
        </label>
        {selected.length > 0 && (
          <button type="button" className="link-button" onClick={onClear}>
            clear
          </button>
        )}
      </p>
      {shown.length === 0 ? (
        <p className="muted">{runs.length === 0 ? 'No runs yet.' : 'No runs match the filter.'}</p>
      ) : (
        <div className="picker-scroller" ref={scroller}>
          <ul className="picker-list" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const run = shown[item.index];
              return (
                <li
                  key={run.id}
                  // Names wrap rather than being cut: each row is measured, so long names take two lines.
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  className={chosen.has(run.id) ? 'picker-item selected' : 'picker-item'}
                  style={{ transform: `translateY(${item.start}px)`, minHeight: ITEM_HEIGHT }}
                >
                  <label title={`${run.name} · ${run.datasetId} · ${formatDateTime(run.createdAt)}`}>
                    <input
                      type="checkbox"
                      data-testid="compare-select-run"
                      data-run-id={run.id}
                      checked={chosen.has(run.id)}
                      onChange={(e) => onToggle(run.id, e.target.checked)}
                    />
                    {/* The name gets the whole width (wrapping, never cut); status and accuracy go below. */}
                    <span className="picker-text">
                      <span className="picker-name">{run.name}</span>
                      <span className="picker-meta">
                        <StatusBadge status={run.status} />
                        <span className="muted num">{pickerAccuracy(run)}</span>
                      </span>
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Best validation accuracy, or for a run without a validation split its last test accuracy. */
function pickerAccuracy(run: RunTableRow): string {
  if (run.bestValAcc !== null) return `val ${formatPercent(run.bestValAcc)}`;
  if (run.lastTestAcc !== null) return `test ${formatPercent(run.lastTestAcc)}`;
  return '';
}
