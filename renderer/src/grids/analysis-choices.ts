import {
  analysisMetricKey,
  ANALYSIS_METRICS,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import type { GridCellResult } from '../../../common/grid/types';
import { METRIC_NAMES, type MetricName } from '../../../common/types';

/**
 * Which metrics the grid's views offer: those some cell logged (runs without a validation split log no
 * validation metrics, and offering them would only draw empty charts), and always the monitored one.
 */
export function loggedMetrics(results: readonly GridCellResult[], monitor: MetricName): MetricName[] {
  return METRIC_NAMES.filter(
    (m) => m === monitor || results.some((r) => r.atBest?.[m] != null || r.final?.[m] != null),
  );
}

export function availableAnalysisMetrics(logged: readonly MetricName[]): AnalysisMetric[] {
  return ANALYSIS_METRICS.filter((m) => logged.includes(m.metric));
}

function unique(metrics: readonly AnalysisMetric[]): AnalysisMetric[] {
  const seen = new Set<string>();
  return metrics.filter((m) => {
    const key = analysisMetricKey(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Results-table metric columns: the monitored metric first, then validation and test accuracy. */
export function tableMetrics(
  monitor: MetricName,
  logged: readonly MetricName[],
): { best: AnalysisMetric[]; final: AnalysisMetric[] } {
  const wanted = (names: MetricName[]) => names.filter((n) => logged.includes(n));
  return {
    best: unique(wanted([monitor, 'valAcc', 'testAcc']).map((metric) => ({ at: 'best', metric }))),
    final: unique(wanted([monitor, 'valAcc']).map((metric) => ({ at: 'final', metric }))),
  };
}

/** Parallel coordinates' default metric axes: the analysed metric, validation and test accuracy at the best epoch. */
export function defaultParcoordsMetrics(
  analysed: AnalysisMetric,
  logged: readonly MetricName[],
): AnalysisMetric[] {
  return unique([
    analysed,
    ...(['valAcc', 'testAcc'] as const)
      .filter((m) => logged.includes(m))
      .map((metric) => ({ at: 'best' as const, metric })),
  ]);
}
