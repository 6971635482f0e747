import type { StoppingRow } from '../../../common/stopping/across-runs';
import { stoppingRowsCsv, type ParamAxis, type ParamChart } from '../../../common/stopping/param-chart';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import { ruleLabel } from '../../../common/stopping/rule-text';
import { ExportActions } from '../common/ExportActions';
import { svgToPng } from '../compare/exports';
import { paramChartSvg } from './across-runs-chart-data';

interface StoppingExportButtonsProps {
  chart: ParamChart;
  title: string;
  rows: readonly StoppingRow[];
  axis: ParamAxis;
  rule: StoppingRule;
  /** Prefix of the file names (a grid's stem); none in Compare. */
  filePrefix?: string;
}

/** The across-runs chart as SVG / PNG (publication styling, as Compare exports) and its rows as CSV. */
export function StoppingExportButtons({
  chart,
  title,
  rows,
  axis,
  rule,
  filePrefix,
}: StoppingExportButtonsProps) {
  const name = (format: string) =>
    `${filePrefix ? `${filePrefix}-` : ''}stopping-vs-${axis.key.replace(/[^\w.-]+/g, '_')}.${format}`;
  return (
    <ExportActions
      label="Export the across-runs chart"
      disabled={rows.length === 0}
      items={[
        {
          label: 'Export SVG',
          testId: 'stopping-export-svg',
          fileName: name('svg'),
          mimeType: 'image/svg+xml',
          make: () => paramChartSvg(chart, title),
        },
        {
          label: 'Export PNG',
          testId: 'stopping-export-png',
          fileName: name('png'),
          mimeType: 'image/png',
          make: () => svgToPng(paramChartSvg(chart, title)),
        },
        {
          label: 'Export CSV',
          testId: 'stopping-export-csv',
          fileName: name('csv'),
          mimeType: 'text/csv',
          make: () => stoppingRowsCsv(rows, axis, ruleLabel(rule)),
        },
      ]}
    />
  );
}
