import { useState } from 'react';
import type { StoppingRow } from '../../../common/stopping/across-runs';
import { stoppingRowsCsv, type ParamAxis, type ParamChart } from '../../../common/stopping/param-chart';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import { ruleLabel } from '../../../common/stopping/rule-text';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
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

type Format = 'svg' | 'png' | 'csv';

/** The across-runs chart as SVG / PNG (publication styling, as Compare exports) and its rows as CSV. */
export function StoppingExportButtons({
  chart,
  title,
  rows,
  axis,
  rule,
  filePrefix,
}: StoppingExportButtonsProps) {
  const client = useClient();
  const announce = useAnnounce();
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save(format: Format) {
    setBusy(format);
    setError(null);
    try {
      const name = `${filePrefix ? `${filePrefix}-` : ''}stopping-vs-${axis.key.replace(/[^\w.-]+/g, '_')}.${format}`;
      let saved: boolean;
      if (format === 'csv') {
        saved = await client.saveFile(name, stoppingRowsCsv(rows, axis, ruleLabel(rule)), 'text/csv');
      } else {
        const svg = paramChartSvg(chart, title);
        saved =
          format === 'svg'
            ? await client.saveFile(name, svg, 'image/svg+xml')
            : await client.saveFile(name, await svgToPng(svg), 'image/png');
      }
      if (saved) announce(`Exported ${name}`);
    } catch (e) {
      setError(`Export failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  }

  const disabled = rows.length === 0 || busy !== null;
  return (
    <div className="export-buttons" role="group" aria-label="Export the across-runs chart">
      {(['svg', 'png', 'csv'] as const).map((format) => (
        <button
          key={format}
          type="button"
          data-testid={`stopping-export-${format}`}
          disabled={disabled}
          onClick={() => void save(format)}
        >
          Export {format.toUpperCase()}
        </button>
      ))}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
