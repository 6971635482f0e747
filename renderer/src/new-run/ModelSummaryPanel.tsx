import type { ModelSummary } from '../../../common/model/summary';
import { formatInteger, formatShape } from '../common/format';

/**
 * Layers and parameter counts. `current` is false while the draft has changed since the summary was
 * computed: it stays visible (dimmed) to avoid flicker, but is not presented as the config's summary.
 */
export function ModelSummaryPanel({ summary, current }: { summary: ModelSummary; current: boolean }) {
  return (
    <section
      className={current ? 'panel model-summary' : 'panel model-summary stale'}
      data-testid={current ? 'model-summary' : undefined}
      aria-busy={!current}
      aria-labelledby="model-summary-heading"
    >
      <h2 id="model-summary-heading">Model</h2>
      <table className="data-table compact">
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Kind</th>
            <th scope="col">Output shape</th>
            <th scope="col" className="num">
              Parameters
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.layers.map((layer) => (
            <tr key={layer.name}>
              <td>{layer.name}</td>
              <td>
                {layer.kind}
                {layer.detail && <span className="muted"> {layer.detail}</span>}
              </td>
              <td className="num">{formatShape(layer.outputShape)}</td>
              <td className="num">{formatInteger(layer.params)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total parameters
            </th>
            <td className="num total-params">{formatInteger(summary.totalParams)}</td>
          </tr>
          {summary.nonTrainableParams > 0 && (
            <tr>
              <th scope="row" colSpan={3}>
                Non-trainable (batch-norm statistics)
              </th>
              <td className="num">{formatInteger(summary.nonTrainableParams)}</td>
            </tr>
          )}
        </tfoot>
      </table>
    </section>
  );
}
