import { useState } from 'react';
import type { RunEpochs } from '../../../common/api/contract';
import {
  comparisonCsv,
  type ComparisonSeries,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import type { CompareRun } from '../../../common/compare/differing-params';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import { comparisonSvg, svgToPng } from './exports';

interface ExportButtonsProps {
  /** The runs, epochs and series exactly as charted (hidden runs left out). */
  runs: readonly CompareRun[];
  epochs: readonly RunEpochs[];
  series: readonly ComparisonSeries[];
  spec: ComparisonSpec;
}

type Format = 'svg' | 'png' | 'csv';

export function ExportButtons({ runs, epochs, series, spec }: ExportButtonsProps) {
  const client = useClient();
  const announce = useAnnounce();
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save(format: Format) {
    setBusy(format);
    setError(null);
    try {
      const name = `comparison.${format}`;
      let saved: boolean;
      if (format === 'csv') {
        saved = await client.saveFile(name, comparisonCsv(runs, epochs, spec), 'text/csv');
      } else {
        const svg = comparisonSvg(series, spec);
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

  const disabled = runs.length === 0 || busy !== null;
  return (
    <div className="export-buttons" role="group" aria-label="Export">
      <button type="button" data-testid="export-svg" disabled={disabled} onClick={() => void save('svg')}>
        Export SVG
      </button>
      <button type="button" data-testid="export-png" disabled={disabled} onClick={() => void save('png')}>
        Export PNG
      </button>
      <button type="button" data-testid="export-csv" disabled={disabled} onClick={() => void save('csv')}>
        Export CSV
      </button>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
