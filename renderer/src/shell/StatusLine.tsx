import type { BackendReport } from '../../../common/types';
import { useAppInfo } from '../common/app-info';

/**
 * Where wasm's matrix products run, as `workbench doctor` says it: "Backend wasm" alone read as if the wasm
 * kernels did all the work while BLAS did the products. The library's first words only (its full build
 * string is in the tooltip).
 */
export function matMulText(backend: BackendReport): string {
  const matmul = backend.matmul;
  if (backend.chosen !== 'wasm' || !matmul) return '';
  if (matmul.path === 'wasm') return ', matrix products on wasm kernels';
  const library = (matmul.library ?? 'BLAS').split(' ').slice(0, 2).join(' ');
  return `, matrix products on BLAS (${library})`;
}

/** Which compute backend trains runs and how this window talks to the workbench. */
export function StatusLine() {
  const { info, error } = useAppInfo();
  let text: string;
  if (error) text = `Not connected: ${error}`;
  else if (!info) text = 'Connecting…';
  else
    text =
      `Backend ${info.backend.chosen} (${info.backend.tfjsBackend} ${info.backend.version})${matMulText(info.backend)} · ` +
      `transport ${info.transport} · ${info.trainingWorkers} training worker${info.trainingWorkers === 1 ? '' : 's'} · ` +
      `v${info.appVersion}`;
  return (
    <footer className={error ? 'status-line status-line-error' : 'status-line'}>
      <span
        data-testid="status-line"
        aria-live="polite"
        title={
          info?.backend.matmul
            ? `${info.backend.matmul.library ?? ''} ${info.backend.matmul.reason}`.trim()
            : undefined
        }
      >
        {text}
      </span>
      {info && (
        <span className="status-db" title="Run store">
          {info.dbPath}
        </span>
      )}
    </footer>
  );
}
