import { useId, useMemo } from 'react';
import type { RunEpochs } from '../../../common/api/contract';
import type { GridDetail } from '../../../common/grid/types';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { StoppingAcrossRuns } from '../stopping/StoppingAcrossRuns';
import { fileStem } from './grid-exports';
import { analysedCells, gridStoppingAxes, gridStoppingInputs } from './grid-stopping-data';
import type { Loaded } from '../common/use-load';

interface GridStoppingProps {
  grid: GridDetail;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  epochs: Loaded<ReadonlyMap<string, RunEpochs['epochs']> | null>;
  rule: StoppingRule;
  onRuleChange: (rule: StoppingRule) => void;
}

/**
 * The grid's Early stopping section: every completed cell replayed under one rule (best epoch, overfitting
 * onset, where the rule stops, what that saves and costs), as a table and as a chart against one of the
 * grid's axes. Opened on demand, since it reads every epoch of every cell; the heatmap colours by the same
 * rule.
 */
export function GridStopping({ grid, open, onOpenChange, epochs, rule, onRuleChange }: GridStoppingProps) {
  const id = useId();
  const cells = analysedCells(grid);
  const others = grid.results.length - cells.length;
  const { axes, notNumeric, logKeys } = useMemo(() => gridStoppingAxes(grid), [grid]);
  const inputs = useMemo(
    () => (epochs.data ? gridStoppingInputs(grid, epochs.data) : null),
    [grid, epochs.data],
  );

  return (
    <section className="panel grid-stopping" aria-labelledby={`${id}-heading`} data-testid="grid-stopping">
      <div className="panel-header">
        <h2 id={`${id}-heading`}>Early stopping</h2>
        <p className="muted">
          {cells.length} completed {cells.length === 1 ? 'cell' : 'cells'}
          {others > 0 ? ` (${others} failed, diverged or unfinished: not analysed)` : ''}
        </p>
        <div className="panel-actions">
          <button
            type="button"
            aria-expanded={open}
            aria-controls={`${id}-body`}
            onClick={() => onOpenChange(!open)}
            data-testid="grid-stopping-toggle"
          >
            {open ? 'Hide' : 'Analyse early stopping'}
          </button>
        </div>
      </div>
      {open && (
        <div id={`${id}-body`}>
          <p className="hint">
            Every epoch of every cell is logged, so any rule can be replayed on the grid: where each cell was
            best, where it began to overfit, where the rule would have stopped and what that saves. The
            heatmap above can colour by epochs saved or test accuracy lost under the same rule.
            {notNumeric.length > 0 &&
              ` ${notNumeric.join(', ')} ${notNumeric.length === 1 ? 'is' : 'are'} not numeric: not offered as the chart's axis (the table has every cell).`}
          </p>
          {cells.length === 0 ? (
            <p className="hint-box">No cell has completed yet.</p>
          ) : epochs.error && !inputs ? (
            <ErrorPanel title="Could not load the epochs" message={epochs.error} onRetry={epochs.reload} />
          ) : !inputs ? (
            <LoadingLine text={`Loading the epochs of ${cells.length} runs…`} />
          ) : (
            <StoppingAcrossRuns
              runs={inputs}
              rule={rule}
              onRuleChange={onRuleChange}
              axes={axes}
              logAxisKeys={logKeys}
              filePrefix={fileStem(grid.name)}
              noAxisText="The grid has no numeric axis with two or more levels among its completed cells to plot against; the table below has every cell."
              bare
            />
          )}
        </div>
      )}
    </section>
  );
}
