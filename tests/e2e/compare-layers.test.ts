import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunLayerStats } from '../../common/layers/layer-stats';
import type { RunDetail } from '../../common/run-types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * Compare's Layers section with real runs: the same small MNIST MLP trained on the summed loss (E1's) and on
 * the mean loss (E2's) at one learning rate, and a run trained with "layerStats": false. The section draws
 * dense_1's update ratio of the first two on a log axis, the summed one well above, names the third, and
 * exports the plotted numbers.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');
const workspace = tempWorkspace('workbench-compare-layers-');
let served: ServedWorkbench;
const ids: Record<'sum' | 'mean' | 'off', string> = { sum: '', mean: '', off: '' };
const stats: Record<'sum' | 'mean', RunLayerStats | null> = { sum: null, mean: null };

function config(name: string, lossReduction: 'sum' | 'mean', overrides: Record<string, unknown> = {}) {
  const base = smallMnistMlp({ name, epochs: 3, learningRate: 0.001 });
  return { ...base, training: { ...base.training, lossReduction }, ...overrides };
}

async function finished(runId: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const { status, error } = await callServed<RunDetail>(served, 'runs.get', { runId });
    if (status === 'completed') return;
    if (!['queued', 'running'].includes(status)) throw new Error(`run ${runId} ended ${status}: ${error}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  const start = async (c: unknown) =>
    (await callServed<{ runId: string }>(served, 'runs.start', { config: c })).runId;
  ids.sum = await start(config('layers-sum', 'sum'));
  ids.mean = await start(config('layers-mean', 'mean'));
  ids.off = await start(config('layers-off', 'mean', { layerStats: false }));
  for (const id of Object.values(ids)) await finished(id);
  stats.sum = await callServed<RunLayerStats>(served, 'runs.layers', { runId: ids.sum });
  stats.mean = await callServed<RunLayerStats>(served, 'runs.layers', { runId: ids.mean });
});

afterAll(async () => {
  await served?.stop();
});

describe('Compare: layers side by side', () => {
  it('logged larger update ratios for the summed loss, at every epoch and layer', () => {
    const ratios = (s: RunLayerStats | null) => s!.layers.map((l) => l.epochs.map((e) => e.updateRatio!));
    const [sum, mean] = [ratios(stats.sum), ratios(stats.mean)];
    expect(sum.map((l) => l.length)).toEqual([3, 3]);
    sum.forEach((layer, l) => layer.forEach((r, e) => expect(r).toBeGreaterThan(5 * mean[l][e])));
  });

  it("draws one layer's update ratio of both runs on a log axis, names the run without statistics, exports it", async () => {
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(served.url);
      await page.goto(`${served.origin}/#/compare?ids=${ids.sum},${ids.mean},${ids.off}`);
      const section = page.getByTestId('compare-layers');
      await section.scrollIntoViewIfNeeded();
      const chart = section.getByTestId('compare-layers-chart');
      await expect.poll(() => chart.locator('[data-draw-ms]').count(), { timeout: 30_000 }).toBe(1);
      expect(await section.getByTestId('compare-layers-layer').inputValue()).toBe('dense_1');
      expect(await section.getByTestId('compare-layers-metric').inputValue()).toBe('updateRatio');

      const drawn = await chart.evaluate((el) => {
        const div = el.querySelector('.js-plotly-plot') as unknown as {
          data: { name: string; x: number[]; y: number[]; line: { color: string } }[];
          _fullLayout: { yaxis: { type: string }; title: { text: string } };
        };
        return {
          traces: div.data.map((t) => ({ name: t.name, x: [...t.x], y: [...t.y], color: t.line.color })),
          yType: div._fullLayout.yaxis.type,
          title: div._fullLayout.title.text,
        };
      });
      expect(drawn.yType).toBe('log');
      expect(drawn.title).toBe('dense_1: update ratio ‖W_e − W_e−1‖ / ‖W_e−1‖');
      expect(drawn.traces).toHaveLength(2);
      const [sum, mean] = drawn.traces;
      expect(sum.name).toMatch(/^layers-sum/);
      expect(mean.name).toMatch(/^layers-mean/);
      expect(sum.color).not.toBe(mean.color);
      expect(sum.x).toEqual([1, 2, 3]);
      expect(sum.y).toEqual(stats.sum!.layers[0].epochs.map((e) => e.updateRatio));
      expect(mean.y).toEqual(stats.mean!.layers[0].epochs.map((e) => e.updateRatio));
      sum.y.forEach((r, e) => expect(r).toBeGreaterThan(5 * mean.y[e]));

      expect(await section.getByTestId('compare-layers-missing').innerText()).toMatch(
        /^Not drawn: layers-off[^;]* \(trained with "layerStats": false\)\.$/,
      );

      mkdirSync(SCREENSHOTS, { recursive: true });
      const shot = join(SCREENSHOTS, 'compare-layers.png');
      await section.screenshot({ path: shot });
      // `WORKBENCH_UPDATE_SCREENSHOTS=1` refreshes the README's pictures.
      if (process.env.WORKBENCH_UPDATE_SCREENSHOTS) {
        mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
        copyFileSync(shot, join(ROOT, 'docs', 'screenshots', 'compare-layers.png'));
      }

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        section.getByTestId('compare-layers-csv').click(),
      ]);
      expect(download.suggestedFilename()).toBe('layers-dense-1-update-ratio.csv');
      const rows = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\r\n');
      expect(rows[0]).toBe('run_id,run_name,label,layer,kind,epoch,update_ratio');
      expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual([
        ...Array<string>(3).fill(ids.sum),
        ...Array<string>(3).fill(ids.mean),
      ]);
      expect(Number(rows[1].split(',').at(-1))).toBe(sum.y[0]);

      // The output layer, then its gradient norm: the chart follows both pickers.
      await section.getByTestId('compare-layers-layer').selectOption('dense_2');
      await section.getByTestId('compare-layers-metric').selectOption('gradNorm');
      await expect
        .poll(() => chart.locator('.gtitle').textContent())
        .toBe('dense_2: last-batch gradient norm ‖∇W‖');
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
