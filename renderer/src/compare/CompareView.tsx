import { useCallback, useMemo, useState } from 'react';
import {
  buildComparisonSeries,
  METRIC_LABELS,
  plottedComparison,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import { differingParams, legendLabels } from '../../../common/compare/differing-params';
import { seriesStyles } from '../../../common/plot/series-style';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { navigate } from '../routing/use-route';
import { useRunsList } from '../runs/use-runs-list';
import { ChartLegend, type LegendRun } from './ChartLegend';
import { comparisonLayout, comparisonTraces } from './compare-chart-data';
import { CompareControls } from './CompareControls';
import { DifferingParamsTable } from './DifferingParamsTable';
import { ExportButtons } from './ExportButtons';
import { RunPicker } from './RunPicker';
import { useCompareData, type CompareData } from './use-compare-data';
import { CompareStopping } from '../stopping/CompareStopping';

export const DEFAULT_SPEC: ComparisonSpec = {
  metrics: ['valLoss'],
  x: 'epoch',
  yScale: 'linear',
  smoothing: { kind: 'none' },
  showRaw: true,
};

export function CompareView({ initialIds }: { initialIds: string[] }) {
  const runsList = useRunsList();
  // The selection is state first (a checkbox must reflect a click at once), mirrored into the URL so a
  // comparison can be reloaded or bookmarked; back/forward to another selection is adopted here.
  const [ids, setIds] = useState(initialIds);
  const [routeKey, setRouteKey] = useState(initialIds.join(','));
  if (initialIds.join(',') !== routeKey) {
    setRouteKey(initialIds.join(','));
    setIds(initialIds);
  }
  const select = (next: string[]) => {
    setIds(next);
    navigate({ name: 'compare', ids: next }, { replace: true });
  };

  const [spec, setSpec] = useState<ComparisonSpec>(DEFAULT_SPEC);
  const [tab, setTab] = useState<CompareTab>('curves');
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
          {ids.length === 0 ? (
            <p className="hint-box">Pick runs on the left to draw their curves together.</p>
          ) : data === null ? (
            <LoadingLine text="Loading epochs…" />
          ) : tab === 'stopping' ? (
            <CompareStopping runs={data.runs} epochs={data.epochs} />
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

type CompareTab = 'curves' | 'stopping';

/** Curves (the comparison) or the early-stopping analysis of the same runs. */
function CompareTabs({ tab, onChange }: { tab: CompareTab; onChange: (tab: CompareTab) => void }) {
  const tabs: ReadonlyArray<[CompareTab, string]> = [
    ['curves', 'Curves'],
    ['stopping', 'Early stopping'],
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
  const { runs, epochs } = data;
  // Built over every selected run, so labels and colours stay put when runs are hidden.
  const all = useMemo(() => {
    const series = buildComparisonSeries(runs, epochs, spec);
    return { series, styles: seriesStyles(series) };
  }, [runs, epochs, spec]);
  // Metrics no selected run logged (validation metrics of runs without a validation split) are left out
  // of the chart, its axis title and legend, with a note saying so.
  const plotted = useMemo(() => plottedComparison(spec, all.series), [spec, all]);
  const shownSpec = plotted.spec;
  const visible = useMemo(() => {
    const keep = all.series.map((s) => !hidden.has(s.runId) && shownSpec.metrics.includes(s.metric));
    return {
      series: all.series.filter((_, i) => keep[i]),
      styles: all.styles.filter((_, i) => keep[i]),
      runs: runs.filter((r) => !hidden.has(r.id)),
    };
  }, [all, hidden, runs, shownSpec]);
  const legend = useMemo<LegendRun[]>(() => {
    const labels = legendLabels(runs);
    return runs.map((run) => {
      const index = all.series.findIndex((s) => s.runId === run.id);
      const style = all.styles[index] ?? { color: 'currentColor', dash: '' };
      return { id: run.id, label: labels[run.id], color: style.color, dash: style.dash };
    });
  }, [runs, all]);
  const differing = useMemo(() => differingParams(runs), [runs]);

  const traces = useCallback(
    (colors: PlotColors) => comparisonTraces(visible.series, visible.styles, shownSpec, colors),
    [visible, shownSpec],
  );
  const maxX = useMemo(() => Math.max(1, ...all.series.map((s) => s.x[s.x.length - 1] ?? 1)), [all]);
  const layout = useMemo(() => comparisonLayout(shownSpec, maxX), [shownSpec, maxX]);
  // Tagged with the selection drawn, so the attribute never reports the previous selection's draw.
  const [drawn, setDrawn] = useState<{ key: string; ms: number } | null>(null);
  const onDrawn = useCallback((ms: number) => setDrawn({ key: data.key, ms }), [data.key]);
  const drawMs = ready && drawn?.key === data.key ? drawn.ms.toFixed(1) : undefined;

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
      <div
        className={ready ? 'compare-chart' : 'compare-chart stale'}
        data-testid="compare-chart"
        data-draw-ms={drawMs}
        aria-busy={!ready}
      >
        <PlotlyChart
          data={traces}
          layout={layout}
          label="Comparison of the selected runs"
          onDrawn={onDrawn}
        />
        <ChartLegend runs={legend} metrics={shownSpec.metrics} hidden={hidden} onToggle={onToggleHidden} />
      </div>
      <ExportButtons runs={visible.runs} epochs={epochs} series={visible.series} spec={spec} />
      <DifferingParamsTable runs={runs} params={differing} />
    </>
  );
}
