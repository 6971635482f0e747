import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { flattenParams } from '../config/flatten-params';
import { renderComparisonSvg } from '../plot/comparison-svg';
import { stoppingCellValue, stoppingRows, type StoppingRunInput } from './across-runs';
import { paramAxes, paramChart, stoppingRowsCsv } from './param-chart';
import { parseRuleSpec } from './rule-text';
import { history } from './test-histories';

/** A U-shaped validation loss turning at `turn`, with test accuracy best there. */
function run(runId: string, turn: number, regularization: object, hidden = 100): StoppingRunInput {
  const n = 30;
  const e = Array.from({ length: n }, (_, i) => i + 1);
  return {
    runId,
    label: `run ${runId}`,
    params: flattenParams({ model: { kind: 'mlp', hiddenUnits: [hidden] }, regularization, name: runId }),
    epochs: history({
      valLoss: e.map((t) => 0.3 + 0.002 * (t - turn) ** 2),
      trainLoss: e.map((t) => Math.exp(-t / 5)),
      testAcc: e.map((t) => 0.9 - 0.001 * (t - turn) ** 2),
      seconds: Array(n).fill(0.5),
    }),
  };
}

const runs = [
  run('a', 8, { l2: 0.5, dropout: { keep: 0.5 } }),
  run('b', 12, { l2: 0.01 }),
  run('c', 10, { l2: 0.1, dropout: { keep: 0.75 } }, 200),
  run('d', 6, { l2: 0 }),
];

describe('across-runs stopping rows', () => {
  const rows = stoppingRows(runs, parseRuleSpec('patience:5'));

  it('gives best epoch, onset and the rule’s stop per run, in the order given', () => {
    expect(
      rows.map((r) => [r.runId, r.bestEpoch, r.onsetEpoch, r.stopEpoch, r.restoredEpoch, r.epochsSaved]),
    ).toEqual([
      ['a', 8, 8, 13, 8, 17],
      ['b', 12, 12, 17, 12, 13],
      ['c', 10, 10, 15, 10, 15],
      ['d', 6, 6, 11, 6, 19],
    ]);
    expect(rows[0].secondsSaved).toBe(8.5);
    expect(rows[0].testAccAtResult).toBeCloseTo(0.9, 12);
    // The last epoch (30) had 0.9 − 0.001 · 22² = 0.416: stopping gained that much.
    expect(rows[0].testAccLost).toBeCloseTo(0.416 - 0.9, 12);
    expect(stoppingCellValue(rows[0], 'epochsSaved')).toBe(17);
    expect(stoppingCellValue(rows[0], 'testAccLost')).toBeCloseTo(-0.484, 12);
  });

  it('offers the numeric hyperparameters that differ, λ first; a run without dropout has keep p = 1', () => {
    const axes = paramAxes(runs);
    expect(axes.map((a) => a.key)).toEqual([
      'regularization.l2',
      'regularization.dropout.keep',
      'model.hiddenUnits.0',
    ]);
    expect(axes[1].values).toEqual({ a: 0.5, b: 1, c: 0.75, d: 1 });
    expect(axes[0].label).toBe('λ (L2)');
  });

  it('charts best epoch against λ, sorted by λ; a log axis leaves out λ = 0 and says so', () => {
    const axis = paramAxes(runs)[0];
    const chart = paramChart(rows, axis, ['bestEpoch', 'stopEpoch']);
    expect(chart.series.map((s) => s.label)).toEqual(['best epoch', 'stop epoch (rule)']);
    expect(chart.series[0].x).toEqual([0, 0.01, 0.1, 0.5]);
    expect(chart.series[0].y).toEqual([6, 12, 10, 8]);
    expect(chart.xTitle).toBe('λ (L2)');
    const log = paramChart(rows, axis, ['bestEpoch'], true);
    expect(log.series[0].x).toEqual([-2, -1, Math.log10(0.5)]);
    expect(log.skipped).toEqual(['run d']);
    expect(log.xTitle).toBe('log₁₀ λ (L2)');

    const svg = renderComparisonSvg(chart.series, {
      xTitle: chart.xTitle,
      yTitle: chart.yTitle,
      yScale: 'linear',
      markers: true,
    });
    expect(svg).toContain('best epoch');
    expect(svg).toContain('λ (L2)');
    // Four runs, two lines: eight dots.
    expect(svg.match(/<circle [^>]*r="3.5"/g)).toHaveLength(8);
  });

  it('exports one CSV row per run with the parameter and every column', () => {
    const axis = paramAxes(runs)[0];
    const [header, ...lines] = parseCsv(stoppingRowsCsv(rows, axis, 'patience:5')) as string[][];
    expect(header.slice(0, 7)).toEqual([
      'regularization.l2',
      'run_id',
      'label',
      'last_epoch',
      'best_epoch',
      'onset_epoch',
      'stop_epoch',
    ]);
    expect(header.at(-1)).toBe('rule');
    expect(lines).toHaveLength(4);
    expect(lines[1].slice(0, 7)).toEqual(['0.01', 'b', 'run b', '30', '12', '12', '17']);
  });

  it('a run without a validation split gets a row saying why, not a crash', () => {
    const noVal: StoppingRunInput = {
      ...runs[0],
      runId: 'x',
      epochs: history({ trainLoss: [1, 0.5], testAcc: [0.5, 0.6] }),
    };
    const [row] = stoppingRows([noVal], parseRuleSpec('gl:5'));
    expect(row).toMatchObject({
      bestEpoch: null,
      onsetEpoch: null,
      stopEpoch: null,
      epochsSaved: 0,
      resultEpoch: 2,
    });
    expect(row.reason).toMatch(/no validation split/);
    expect(row.testAccLost).toBeCloseTo(0, 12);
  });
});
