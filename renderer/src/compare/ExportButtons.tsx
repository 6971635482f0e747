import type { RunEpochs, RunPoints } from '../../../common/api/contract';
import {
  comparisonCsv,
  type ComparisonSeries,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import type { CompareRun } from '../../../common/compare/differing-params';
import { ExportActions } from '../common/ExportActions';
import { comparisonSvg, svgToPng } from './exports';

interface ExportButtonsProps {
  /** The runs, epochs and series exactly as charted (hidden runs left out). */
  runs: readonly CompareRun[];
  epochs: readonly RunEpochs[];
  /** Their points inside epochs and schedules: the CSV has a row per evaluation. */
  points: readonly RunPoints[];
  series: readonly ComparisonSeries[];
  spec: ComparisonSpec;
}

export function ExportButtons({ runs, epochs, points, series, spec }: ExportButtonsProps) {
  return (
    <ExportActions
      label="Export"
      disabled={runs.length === 0}
      items={[
        {
          label: 'Export SVG',
          testId: 'export-svg',
          fileName: 'comparison.svg',
          mimeType: 'image/svg+xml',
          make: () => comparisonSvg(series, spec),
        },
        {
          label: 'Export PNG',
          testId: 'export-png',
          fileName: 'comparison.png',
          mimeType: 'image/png',
          make: () => svgToPng(comparisonSvg(series, spec)),
        },
        {
          label: 'Export CSV',
          testId: 'export-csv',
          fileName: 'comparison.csv',
          mimeType: 'text/csv',
          make: () => comparisonCsv(runs, epochs, spec, points),
        },
      ]}
    />
  );
}
