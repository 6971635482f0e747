import Table from 'cli-table3';
import {
  LAYER_STATS_TARGET_PCT,
  type LayerStatsCostResults,
  type LayerStatsModelCost,
} from './layer-stats-cost';
import { mdTable, metaLine, signedPct, splitText, targetLine, type SectionMeta, type Target } from './report';

const METHOD =
  'Layer statistics cost: the preset through the product (RunQueue, TrainingService, out/main/training-worker.js, ' +
  'a SQLite file each) with `"layerStats": false` and `true`, both without checkpoints, side by side on one core ' +
  'as the checkpoint cost is measured (started together, cancelled together, epochs 2… timed from one `epoch` ' +
  "event to the next). What is on: each layer's kernel read once (norm, update ratio, 30-bin histogram, " +
  "percentiles), the epoch's last-batch gradient norms, one eval-mode forward pass of 256 probe examples, and " +
  "the rows in the epoch's transaction.";

const measured = (r: LayerStatsCostResults) =>
  r.models.filter((m): m is LayerStatsModelCost => !('skipped' in m));

export function layerStatsTarget(r: LayerStatsCostResults | { skipped: string }): Target {
  const text = `layer statistics cost ≤ ${LAYER_STATS_TARGET_PCT} % of an epoch (E2 and E4, on vs off)`;
  if ('skipped' in r) return { text, pass: null, detail: `not measured: ${r.skipped}` };
  const m = measured(r);
  return {
    text,
    pass: m.length === 0 ? null : m.every((x) => x.pct <= LAYER_STATS_TARGET_PCT),
    detail: r.models
      .map((x) =>
        'skipped' in x
          ? `${x.model} not measured: ${x.skipped}`
          : `${x.model} ${signedPct(x.pct)} (${(x.onEpochMs / 1000).toFixed(2)} vs ${(x.offEpochMs / 1000).toFixed(2)} s per epoch, sharing one core)`,
      )
      .join('; '),
  };
}

function table(r: LayerStatsCostResults): { head: string[]; rows: string[][] } {
  return {
    head: ['model', 'split', 'epochs timed', 'off ms/epoch', 'on ms/epoch', 'cost', 'pairs', 'target'],
    rows: r.models.map((m) =>
      'skipped' in m
        ? [m.model, '—', '—', '—', '—', `not measured: ${m.skipped}`, '—', '–']
        : [
            m.model,
            splitText(m.split),
            `2…${m.epochs} of each run`,
            m.offEpochMs.toFixed(0),
            m.onEpochMs.toFixed(0),
            signedPct(m.pct),
            m.pairs.map(signedPct).join(', '),
            m.pct <= LAYER_STATS_TARGET_PCT
              ? `✓ ≤ ${LAYER_STATS_TARGET_PCT} %`
              : `✗ > ${LAYER_STATS_TARGET_PCT} %`,
          ],
    ),
  };
}

export function layerStatsMarkdown(
  r: LayerStatsCostResults | { skipped: string },
  meta: SectionMeta,
): string[] {
  const lines = ['<!-- layer-stats:start -->', '## Layer statistics: cost per epoch', '', metaLine(meta), ''];
  lines.push(`- ${targetLine(layerStatsTarget(r))}`, '');
  if (!('skipped' in r)) {
    const t = table(r);
    lines.push(...mdTable(t.head, t.rows), '');
  }
  lines.push(`- ${METHOD}`, '', '<!-- layer-stats:end -->');
  return lines;
}

export function layerStatsConsole(r: LayerStatsCostResults | { skipped: string }): string[] {
  if ('skipped' in r) return ['', `Layer statistics: not measured: ${r.skipped}`];
  const t = table(r);
  const out = new Table({ head: t.head, style: { head: [], border: [] } });
  for (const row of t.rows) out.push(row);
  return ['', 'Layer statistics:', out.toString()];
}
