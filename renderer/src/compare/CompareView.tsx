import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  buildComparisonSeries,
  runsWithoutAxis,
  METRIC_LABELS,
  plottedComparison,
  seriesHasData,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import { differingParams, legendLabels, type CompareRun } from '../../../common/compare/differing-params';
import { comparisonFigure } from '../../../common/plot/comparison-svg';
import { seriesStyles } from '../../../common/plot/series-style';
import type { MetricName } from '../../../common/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { navigate, useRoute } from '../routing/use-route';
import { useRunsList } from '../runs/use-runs-list';
import { ChartLegend, type LegendRun } from './ChartLegend';
import { comparisonFigureInput, comparisonLayout, comparisonTraces } from './compare-chart-data';
import {
  DEFAULT_SETTINGS,
  parseSettings,
  readStored,
  SELECTION_STORAGE_KEY,
  SETTINGS_STORAGE_KEY,
  settingsQuery,
  writeStored,
  type CompareSettings,
  type CompareTab,
} from './compare-settings';
import { CompareControls } from './CompareControls';
import { DifferingParamsTable } from './DifferingParamsTable';
import { ExportButtons } from './ExportButtons';
import { RunPicker } from './RunPicker';
import { useCompareData, type CompareData } from './use-compare-data';
import { CompareStopping } from '../stopping/CompareStopping';
import { CompareModels } from './CompareModels';
import { CompareLayers } from './CompareLayers';
import { ForkLineageNote } from './ForkLineageNote';

export { DEFAULT_SPEC } from './compare-settings';

/**
 * The settings to open with: those in the URL (a bookmark, a link someone sent), else the last ones used
 * here, so that leaving Compare and coming back does not reset them.
 */
function initialSettings(view: string | undefined): CompareSettings {
  if (view !== undefined) return parseSettings(view);
  const stored = readStored('local', SETTINGS_STORAGE_KEY);
  return stored === null ? DEFAULT_SETTINGS : parseSettings(stored);
}

export function CompareView({ initialIds }: { initialIds: string[] }) {
  const runsList = useRunsList();
  const route = useRoute();
  const routeView = route.name === 'compare' ? route.view : undefined;
  // The selection is state first (a checkbox must reflect a click at once), mirrored into the URL so a
  // comparison can be reloaded or bookmarked; back/forward to another selection is adopted here. The
  // Compare tab carries no ids: it reopens on this window's last selection.
  const [ids, setIds] = useState(() =>
    initialIds.length > 0 || routeView !== undefined
      ? initialIds
      : (readStored('session', SELECTION_STORAGE_KEY) ?? '').split(',').filter(Boolean),
  );
  const [routeKey, setRouteKey] = useState(initialIds.join(','));
  if (initialIds.join(',') !== routeKey) {
    setRouteKey(initialIds.join(','));
    setIds(initialIds);
  }
  const [settings, setSettings] = useState<CompareSettings>(() => initialSettings(routeView));
  // A link or back/forward to other settings while Compare is open is adopted, as a selection is.
  const [seenView, setSeenView] = useState(routeView);
  if (routeView !== seenView) {
    setSeenView(routeView);
    if (routeView !== undefined && routeView !== settingsQuery(settings))
      setSettings(parseSettings(routeView));
  }
  const { spec, tab } = settings;
  const view = settingsQuery(settings);

  // The URL and storage follow the view; replace, not push: back leaves Compare instead of undoing a click.
  useEffect(() => {
    writeStored('session', SELECTION_STORAGE_KEY, ids.join(','));
    writeStored('local', SETTINGS_STORAGE_KEY, view);
    navigate({ name: 'compare', ids, ...(view ? { view } : {}) }, { replace: true });
  }, [ids, view]);

  const select = (next: string[]) => setIds(next);
  const setSpec = (next: ComparisonSpec) => setSettings((current) => ({ ...current, spec: next }));
  const setTab = (next: CompareTab) => setSettings((current) => ({ ...current, tab: next }));

  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const { data, error } = useCompareData(ids);
  const ready = data !== null && data.key === ids.join(',');

  return (
    <section className="view compare-view" aria-labelledby="compare-heading">
      <div className="view-header">
        <h1 id="compare-heading">Compare runs</h1>
      </div>
      <div className="compare-grid">
        {runsList.data ? (
          <RunPicker
            runs={runsList.data}
            selected={ids}
            onToggle={(runId, on) => select(on ? [...ids, runId] : ids.filter((id) => id !== runId))}
            onClear={() => select([])}
          />
        ) : runsList.error ? (
          <ErrorPanel title="Could not load runs" message={runsList.error} onRetry={runsList.reload} />
        ) : (
          <LoadingLine text="Loading runs…" />
        )}
        <div className="compare-main">
          <CompareTabs tab={tab} onChange={setTab} />
          {tab === 'curves' && <CompareControls spec={spec} onChange={setSpec} />}
          {error && <ErrorPanel title="Could not load the comparison" message={error} />}
          {data && ready && (
            <ForkLineageNote
              runs={data.runs}
              onAdd={(runId) => select([runId, ...ids.filter((id) => id !== runId)])}
            />
          )}
          {ids.length === 0 ? (
            <p className="hint-box">Pick runs on the left to draw their curves together.</p>
          ) : data === null ? (
            <LoadingLine text="Loading epochs…" />
          ) : tab === 'stopping' ? (
            <CompareStopping runs={data.runs} epochs={data.epochs} />
          ) : tab === 'models' ? (
            <CompareModels runs={data.runs} epochs={data.epochs} />
          ) : (
            <Comparison
              data={data}
              ready={ready}
              spec={spec}
              hidden={hidden}
              onToggleHidden={(runId) =>
                setHidden((current) => {
                  const next = new Set(current);
                  if (!next.delete(runId)) next.add(runId);
                  return next;
                })
              }
            />
          )}
        </div>
      </div>
    </section>
  );
}

/** Curves (the comparison) or the early-stopping analysis of the same runs. */
function CompareTabs({ tab, onChange }: { tab: CompareTab; onChange: (tab: CompareTab) => void }) {
  const tabs: ReadonlyArray<[CompareTab, string]> = [
    ['curves', 'Curves'],
    ['stopping', 'Early stopping'],
    ['models', 'Confusion matrices'],
  ];
  return (
    <div className="compare-tabs" role="tablist" aria-label="Compare view">
      {tabs.map(([value, label]) => (
        <button
          key={value}
          type="button"
          role="tab"
          aria-selected={tab === value}
          className={tab === value ? 'button-primary' : undefined}
          onClick={() => onChange(value)}
          data-testid={`compare-tab-${value}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

interface ComparisonProps {
  data: CompareData;
  /** The data is for the current selection (not the previous one, while the new one loads). */
  ready: boolean;
  spec: ComparisonSpec;
  hidden: ReadonlySet<string>;
  onToggleHidden: (runId: string) => void;
}

function Comparison({ data, ready, spec, hidden, onToggleHidden }: ComparisonProps) {
  const { runs, epochs, points } = data;
  // Built over every selected run, so labels and colours stay put when runs are hidden.
  const all = useMemo(() => {
    const series = buildComparisonSeries(runs, epochs, spec, points);
    return { series, styles: seriesStyles(series) };
  }, [runs, epochs, spec, points]);
  // Metrics no selected run logged (validation metrics of runs without a validation split) are left out
  // of the chart, its axis title and legend, with a note saying so.
  const plotted = useMemo(() => plottedComparison(spec, all.series), [spec, all]);
  // Only once the points are loaded: before that every run would read as one without steps.
  const stepless = useMemo(
    () => (points.length > 0 ? runsWithoutAxis(spec.x, epochs, points) : []),
    [spec.x, epochs, points],
  );
  const shownSpec = plotted.spec;
  const visible = useMemo(() => {
    const keep = all.series.map((s) => !hidden.has(s.runId) && shownSpec.metrics.includes(s.metric));
    return {
      series: all.series.filter((_, i) => keep[i]),
      runs: runs.filter((r) => !hidden.has(r.id)),
    };
  }, [all, hidden, runs, shownSpec]);
  // The figure the export draws; the chart takes its panels, ranges and ticks from it.
  const figure = useMemo(() => {
    const input = comparisonFigureInput(visible.series, shownSpec);
    const styleOf = new Map(all.series.map((s, i) => [`${s.runId}:${s.metric}`, all.styles[i]]));
    const styles = input.series.map(
      (s) => styleOf.get(`${s.runId}:${s.metric}`) ?? { color: '#000000', dash: '' },
    );
    return { ...input, styles, layout: comparisonFigure(input.series, input.options) };
  }, [visible, shownSpec, all]);
  const legend = useMemo(() => legendRuns(runs, all, shownSpec.metrics), [runs, all, shownSpec]);
  const differing = useMemo(() => differingParams(runs), [runs]);

  const traces = useCallback(
    (colors: PlotColors) =>
      comparisonTraces(figure.series, figure.styles, figure.spec, colors, figure.layout),
    [figure],
  );
  const layout = useMemo(() => comparisonLayout(figure.layout, figure.spec), [figure]);
  // Tagged with the selection drawn, so the attribute never reports the previous selection's draw.
  const [drawn, setDrawn] = useState<{ key: string; ms: number } | null>(null);
  const onDrawn = useCallback((ms: number) => setDrawn({ key: data.key, ms }), [data.key]);
  const drawMs = ready && drawn?.key === data.key ? drawn.ms.toFixed(1) : undefined;
  const panels = figure.layout.panels.length;

  return (
    <>
      {data.missing.length > 0 && (
        <p className="error-text" role="alert">
          {data.missing.length} selected run{data.missing.length === 1 ? '' : 's'} could not be loaded
          (deleted?): {data.missing.join(', ')}
        </p>
      )}
      {plotted.missing.length > 0 && (
        <p className="hint-box" data-testid="missing-metrics">
          None of the selected runs logged {plotted.missing.map((m) => METRIC_LABELS[m]).join(' or ')}
          {plotted.missing.some((m) => m.startsWith('val'))
            ? ' (runs without a validation split log none)'
            : ''}
          {plotted.missing.length < spec.metrics.length
            ? '; it is left out of the chart and its exports.'
            : '.'}
        </p>
      )}
      {stepless.length > 0 && (
        <p className="hint-box" data-testid="stepless-runs">
          {stepless.map((id) => runs.find((r) => r.id === id)?.name ?? id).join(', ')}{' '}
          {stepless.length === 1 ? 'was' : 'were'} recorded before runs logged their steps: no{' '}
          {spec.x === 'step' ? 'steps' : 'examples seen'} to draw by (epoch and wall time have them).
        </p>
      )}
      <div
        className={ready ? 'compare-chart' : 'compare-chart stale'}
        data-testid="compare-chart"
        data-draw-ms={drawMs}
        data-panels={panels}
        aria-busy={!ready}
      >
        <PlotlyChart
          data={traces}
          layout={layout}
          label={`Comparison of the selected runs: ${figure.layout.panels.map((p) => p.title).join(' and ')}`}
          className={`panels-${panels}`}
          onDrawn={onDrawn}
        />
        <ChartLegend runs={legend} metrics={shownSpec.metrics} hidden={hidden} onToggle={onToggleHidden} />
      </div>
      <ExportButtons
        runs={visible.runs}
        epochs={epochs}
        points={points}
        series={visible.series}
        spec={shownSpec}
      />
      <DifferingParamsTable runs={runs} params={differing} legend={legend} metrics={shownSpec.metrics} />
      <CompareLayers runs={runs} epochs={epochs} />
    </>
  );
}

/** Legend entries: each run's line style, and the charted metrics it has nothing of (and why, if known). */
function legendRuns(
  runs: readonly CompareRun[],
  all: { series: ReturnType<typeof buildComparisonSeries>; styles: ReturnType<typeof seriesStyles> },
  metrics: readonly MetricName[],
): LegendRun[] {
  const labels = legendLabels(runs);
  return runs.map((run) => {
    const index = all.series.findIndex((s) => s.runId === run.id);
    const style = all.styles[index] ?? { color: 'currentColor', dash: '' };
    const missing = metrics.filter((metric) => {
      const series = all.series.find((s) => s.runId === run.id && s.metric === metric);
      return series !== undefined && !seriesHasData(series);
    });
    const noEpochs = all.series.every((s) => s.runId !== run.id || s.x.length === 0);
    const noValidation = run.config.dataset.split.validation === 0;
    const missingReason = noEpochs
      ? 'no epoch logged yet'
      : noValidation && missing.some((m) => m.startsWith('val'))
        ? 'no validation split'
        : undefined;
    return {
      id: run.id,
      label: labels[run.id],
      color: style.color,
      dash: style.dash,
      missing,
      ...(missingReason ? { missingReason } : {}),
    };
  });
}
