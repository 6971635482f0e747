import { useCallback, useMemo } from 'react';
import type { GridDetail, GridPruningState } from '../../../common/grid/types';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { formatDateTime } from '../common/format';
import { bracketProgressText, liveBars, rungDecisionText, savedText, timeText } from './live-pruning-data';
import { pruningLabel, rungBarChart, rungChartLayout, type RungBarNames } from './pruning-chart-data';

type Bracket = GridPruningState['brackets'][number];

/** "successive halving, r = 1, η = 3" as a heading: "Successive halving, r = 1, η = 3". */
function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A grid pruned as it trains: the epochs and time it has taken against the full grid's, each bracket's cells
 * as bars to the epoch each has reached with the rungs as lines, and every rung decided so far. Drawn from
 * the grid alone, so it follows the grid as GridView refetches it on the grid's events.
 */
export function LivePruning({ grid, pruning }: { grid: GridDetail; pruning: GridPruningState }) {
  const hyperband = pruning.spec.kind === 'hyperband';
  return (
    <div data-testid="pruning-live">
      <h3>
        {sentenceCase(pruningLabel(pruning.spec))}, ranked by {METRIC_TEXT[pruning.spec.monitor]}
      </h3>
      <dl className="facts">
        <div className="fact-pair">
          <dt>Epochs</dt>
          <dd data-testid="pruning-live-saved">{savedText(grid, pruning)}</dd>
        </div>
        <div className="fact-pair">
          <dt>Time</dt>
          <dd data-testid="pruning-live-time">{timeText(grid, pruning)}</dd>
        </div>
      </dl>
      {pruning.brackets.map((bracket) => (
        <BracketBars
          key={bracket.index}
          grid={grid}
          pruning={pruning}
          bracket={bracket}
          title={hyperband ? `Bracket s = ${bracket.index}` : null}
        />
      ))}
      <h4>Rungs decided</h4>
      {pruning.rungs.length === 0 && (
        <p className="hint" data-testid="pruning-rung-none">
          No rung decided yet: a rung is decided once every cell of its bracket still in has reached its
          epoch.
        </p>
      )}
      <ol className="pruning-rung-list" data-testid="pruning-rung-list">
        {pruning.rungs.map((rung) => (
          <li
            key={`${rung.bracket}-${rung.epoch}`}
            data-bracket={rung.bracket}
            data-epoch={rung.epoch}
            data-kept={rung.kept.join(',')}
            data-pruned={rung.pruned.join(',')}
            data-ended-before={rung.endedBefore.join(',')}
          >
            {rungDecisionText(grid, pruning, rung)}{' '}
            <span className="muted">(decided {formatDateTime(rung.decidedAt)})</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function BracketBars({
  grid,
  pruning,
  bracket,
  title,
}: {
  grid: GridDetail;
  pruning: GridPruningState;
  bracket: Bracket;
  /** Hyperband names each bracket; successive halving's one needs no name. */
  title: string | null;
}) {
  const bars = useMemo(() => liveBars(grid, pruning, bracket), [grid, pruning, bracket]);
  const names: RungBarNames = useMemo(
    () => ({
      pruned: 'pruned at a rung',
      ended: 'ended otherwise (failed, diverged, stopped)',
      survivor: 'still in',
    }),
    [],
  );
  const traces = useCallback((colors: PlotColors) => rungBarChart(bars, names, colors), [bars, names]);
  const layout = useMemo(
    () => rungChartLayout(bars, pruning.fullEpochs, bracket.rungs),
    [bars, pruning.fullEpochs, bracket.rungs],
  );
  return (
    <div className="pruning-bracket" data-testid="pruning-bracket" data-bracket={bracket.index}>
      {title && <h4>{title}</h4>}
      <p className="hint" data-testid="pruning-bracket-progress">
        {bracketProgressText(grid, pruning, bracket)}
      </p>
      <PlotlyChart
        data={traces}
        layout={layout}
        label={`${title ?? 'The cells'}: each cell as a bar to the epoch it has reached; the rungs as dotted lines`}
        className="pruning-chart"
      />
    </div>
  );
}
