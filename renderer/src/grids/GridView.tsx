import { useId, useMemo, useState } from 'react';
import {
  analysisMetricKey,
  analysisMetricLabel,
  lowerIsBetter,
  parseAnalysisMetricKey,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import { gridParcoords, linesInside, type ParcoordsConstraints } from '../../../common/grid/parcoords';
import { gridResultsCsv } from '../../../common/grid/results-csv';
import type { GridDetail } from '../../../common/grid/types';
import { METRIC_NAMES, type MetricName } from '../../../common/types';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { routeHref } from '../routing/route';
import {
  availableAnalysisMetrics,
  defaultParcoordsMetrics,
  loggedMetrics,
  tableMetrics,
} from './analysis-choices';
import { ExportActions } from '../common/ExportActions';
import { fileStem } from './grid-exports';
import { GridHeader } from './GridHeader';
import { GridHeatmap } from './GridHeatmap';
import { GridParcoords } from './GridParcoords';
import { GridResultsTable } from './GridResultsTable';
import { ImportancePanel } from './ImportancePanel';
import { resultRows, rowsWithRuns, runIdsOf } from './result-rows';
import { useGrid } from './use-grid';
import { metricText } from '../../../common/grid/analysis-value';
import { stoppingRows } from '../../../common/stopping/across-runs';
import { earlyStoppingSchema, type StoppingRule } from '../../../common/stopping/rule-schema';
import { ruleLabel } from '../../../common/stopping/rule-text';
import { gridStoppingInputs } from './grid-stopping-data';
import { GridPruning } from './GridPruning';
import { GridStopping } from './GridStopping';
import { analysisMeasure, stoppingMeasure, type HeatmapColour } from './heatmap-measure';
import { useGridEpochs } from './use-grid-epochs';

export function GridView({ gridId }: { gridId: string }) {
  const [monitor, setMonitor] = useState<MetricName | null>(null);
  const grid = useGrid(gridId, monitor);
  if (!grid.data) {
    if (grid.error)
      return <ErrorPanel title="Could not load the grid" message={grid.error} onRetry={grid.reload} />;
    return <LoadingLine text="Loading the grid…" />;
  }
  return (
    <GridPage
      grid={grid.data}
      onMonitorChange={setMonitor}
      onChanged={() => void grid.reload()}
      refreshError={grid.error}
    />
  );
}

interface GridPageProps {
  grid: GridDetail;
  onMonitorChange: (monitor: MetricName) => void;
  onChanged: () => void;
  refreshError: string | null;
}

function GridPage({ grid, onMonitorChange, onChanged, refreshError }: GridPageProps) {
  const ids = useId();
  const logged = useMemo(() => loggedMetrics(grid.results, grid.monitor), [grid.results, grid.monitor]);
  const available = useMemo(() => availableAnalysisMetrics(logged), [logged]);
  const columns = useMemo(() => tableMetrics(grid.monitor, logged), [grid.monitor, logged]);

  // What the heatmap, importance and parallel-coordinates colour show; follows the monitor until chosen.
  const [analysedKey, setAnalysedKey] = useState<string | null>(null);
  const analysed: AnalysisMetric = useMemo(
    () => (analysedKey && parseAnalysisMetricKey(analysedKey)) || { at: 'best', metric: grid.monitor },
    [analysedKey, grid.monitor],
  );
  const [parcoordsChoice, setParcoordsChoice] = useState<AnalysisMetric[] | null>(null);
  const parcoordsMetrics = useMemo(
    () => parcoordsChoice ?? defaultParcoordsMetrics(analysed, logged),
    [parcoordsChoice, analysed, logged],
  );
  const parcoords = useMemo(
    () => gridParcoords(grid.axes, grid.results, parcoordsMetrics, analysed),
    [grid.axes, grid.results, parcoordsMetrics, analysed],
  );
  const [constraints, setConstraints] = useState<ParcoordsConstraints>({});
  const inside = useMemo(() => linesInside(parcoords, constraints), [parcoords, constraints]);
  const brushing = Object.values(constraints).some((r) => r.length > 0);
  const insideRunIds = useMemo(
    () =>
      brushing
        ? new Set(parcoords.lines.flatMap((line, i) => (inside[i] && line.runId ? [line.runId] : [])))
        : null,
    [brushing, parcoords, inside],
  );

  const stopping = useGridStopping(grid, analysed, logged);

  const rows = useMemo(() => resultRows(grid.results), [grid.results]);
  const shownRows = useMemo(() => rowsWithRuns(rows, insideRunIds), [rows, insideRunIds]);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const compareIds = selected.size > 0 ? [...selected] : runIdsOf(shownRows);
  const withSeeds = rows.some((r) => r.kind === 'point');

  return (
    <section className="view grid-view" aria-labelledby="grid-heading">
      <GridHeader grid={grid} onChanged={onChanged} />
      {refreshError && (
        <p className="error-text" role="alert">
          Refreshing failed: {refreshError}
        </p>
      )}
      <div className="toolbar grid-analysis-controls">
        <label className="field-inline" htmlFor={`${ids}-monitor`}>
          Best epoch by
        </label>
        <select
          id={`${ids}-monitor`}
          value={grid.monitor}
          onChange={(e) => {
            setAnalysedKey(null);
            setParcoordsChoice(null);
            onMonitorChange(e.target.value as MetricName);
          }}
          data-testid="grid-monitor"
        >
          {METRIC_NAMES.filter((m) => logged.includes(m)).map((m) => (
            <option key={m} value={m}>
              {m.endsWith('Loss') ? 'lowest' : 'highest'} {metricText(m)}
            </option>
          ))}
        </select>
        <label className="field-inline" htmlFor={`${ids}-analysed`}>
          Analyse
        </label>
        <select
          id={`${ids}-analysed`}
          value={analysisMetricKey(analysed)}
          onChange={(e) => {
            setAnalysedKey(e.target.value);
            setParcoordsChoice(null);
          }}
          data-testid="grid-analysed-metric"
        >
          {available.map((m) => (
            <option key={analysisMetricKey(m)} value={analysisMetricKey(m)}>
              {analysisMetricLabel(m)}
            </option>
          ))}
        </select>
      </div>

      <section className="panel results-panel" aria-labelledby={`${ids}-results`}>
        <div className="panel-header">
          <h2 id={`${ids}-results`}>Results</h2>
          <p className="muted" data-testid="results-count">
            {brushing ? `${shownRows.length} of ${rows.length}` : rows.length}{' '}
            {withSeeds ? 'points' : 'cells'}
            {brushing ? ' inside the brush' : ''}
            {selected.size > 0 ? ` · ${selected.size} runs selected` : ''}
          </p>
          <div className="panel-actions">
            {compareIds.length > 0 ? (
              <a
                className="button button-primary"
                href={routeHref({ name: 'compare', ids: compareIds })}
                data-testid="compare-cells"
              >
                {selected.size > 0
                  ? `Compare ${selected.size} selected`
                  : `Compare ${brushing ? 'these' : 'all'} ${compareIds.length} runs`}
              </a>
            ) : (
              <button type="button" disabled data-testid="compare-cells">
                Compare these cells
              </button>
            )}
            {selected.size > 0 && (
              <button type="button" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            )}
            <ExportActions
              label="Export the results"
              items={[
                {
                  label: 'Results CSV',
                  testId: 'export-grid-csv',
                  fileName: `${fileStem(grid.name)}-results.csv`,
                  mimeType: 'text/csv',
                  make: () => gridResultsCsv(grid),
                },
              ]}
            />
          </div>
        </div>
        <p className="hint">
          Best epoch: where the {metricText(grid.monitor)} was{' '}
          {grid.monitor.endsWith('Loss') ? 'lowest' : 'highest'}; the other metrics are read at that epoch,
          not at the last one.
          {withSeeds ? ' Points show mean ± sd over their completed seeds; open one for its seeds.' : ''} A
          row opens its run.
        </p>
        <GridResultsTable
          key={grid.monitor}
          rows={shownRows}
          axes={grid.axes}
          bestMetrics={columns.best}
          finalMetrics={columns.final}
          lowerIsBetter={grid.monitor.endsWith('Loss')}
          pruning={grid.pruning}
          selected={selected}
          onSelectionChange={setSelected}
        />
      </section>

      <div className="grid-panels">
        <GridHeatmap grid={grid} measure={stopping.measure} colour={stopping.colour} />
        <ImportancePanel grid={grid} metric={analysed} />
      </div>
      <GridParcoords
        gridName={grid.name}
        data={parcoords}
        shown={inside.filter(Boolean).length}
        colourBy={analysed}
        available={available}
        chosen={parcoordsMetrics}
        onChosenChange={setParcoordsChoice}
        constraints={constraints}
        onConstraintsChange={setConstraints}
      />
      <p className="hint">
        Analysing {analysisMetricLabel(analysed)} ({lowerIsBetter(analysed) ? 'lower' : 'higher'} is better).
      </p>
      <GridStopping
        grid={grid}
        open={stopping.open}
        onOpenChange={stopping.setOpen}
        epochs={stopping.epochs}
        rule={stopping.rule}
        onRuleChange={stopping.setRule}
      />
      <GridPruning grid={grid} />
    </section>
  );
}

/**
 * The early-stopping state the Early stopping section and the heatmap share: one rule, and the epochs of
 * the grid's runs, loaded only once either needs them.
 */
function useGridStopping(grid: GridDetail, analysed: AnalysisMetric, logged: readonly MetricName[]) {
  const [open, setOpen] = useState(false);
  // Patience 10 on the metric the grid ranks by: validation loss, or training loss without a validation split.
  const [rule, setRule] = useState<StoppingRule>(() =>
    earlyStoppingSchema.parse({ rule: 'patience', patience: 10, monitor: grid.monitor }),
  );
  const [colour, setColour] = useState<HeatmapColour>('analysed');
  const byStopping = colour !== 'analysed';
  const epochs = useGridEpochs(grid, open || byStopping);
  const rowsByRun = useMemo(
    () =>
      byStopping && epochs.data
        ? new Map(stoppingRows(gridStoppingInputs(grid, epochs.data), rule).map((r) => [r.runId, r]))
        : null,
    [byStopping, epochs.data, grid, rule],
  );
  const measure = useMemo(
    () => (colour === 'analysed' ? analysisMeasure(analysed) : stoppingMeasure(colour, rule, rowsByRun)),
    [colour, analysed, rule, rowsByRun],
  );
  const note = !byStopping
    ? null
    : epochs.error && !epochs.data
      ? `Could not load the epochs: ${epochs.error}`
      : !epochs.data
        ? 'Loading every cell’s epochs…'
        : `Under ${ruleLabel(rule)}: change the rule under Early stopping below.`;
  return {
    open,
    setOpen,
    rule,
    setRule,
    epochs,
    measure,
    colour: {
      value: colour,
      onChange: setColour,
      note,
      options: [
        { value: 'analysed' as const, label: analysisMetricLabel(analysed) },
        { value: 'epochsSaved' as const, label: 'epochs saved by early stopping' },
        {
          value: 'testAccLost' as const,
          label: 'test accuracy lost by early stopping',
          disabled: !logged.includes('testAcc'),
        },
      ],
    },
  };
}
