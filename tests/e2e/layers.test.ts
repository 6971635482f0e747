import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunLayerStats } from '../../common/layers/layer-stats';
import type { RunDetail } from '../../common/run-types';
import { launchChromium } from '../support/browser';
import { archiveRoundTrip, tempWorkspace, workbench } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * Layer statistics of a real MNIST MLP: what `runs.layers` and `workbench layers` report, checked against the
 * kept checkpoints read by numpy (norms, the histogram on the stored edges, the update ratio between two
 * epochs), and the Layers panel drawn in a browser.
 */

const workspace = tempWorkspace('workbench-layers-');
let served: ServedWorkbench;
let runId = '';
let stats: RunLayerStats;

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  const config = { ...smallMnistMlp({ name: 'layers', epochs: 3 }), checkpoints: { every: 1 } };
  runId = (await callServed<{ runId: string }>(served, 'runs.start', { config })).runId;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { status, error } = await callServed<RunDetail>(served, 'runs.get', { runId });
    if (status === 'completed') break;
    if (!['queued', 'running'].includes(status)) throw new Error(`run ${runId} ended ${status}: ${error}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  stats = await callServed<RunLayerStats>(served, 'runs.layers', { runId });
});

afterAll(async () => {
  await served?.stop();
});

function exportNpz(epoch: number): string {
  const out = join(workspace.dir, `epoch-${epoch}.npz`);
  const result = workbench([
    '--db',
    workspace.db,
    'model',
    'export',
    runId,
    '--epoch',
    String(epoch),
    '--format',
    'npz',
    '--out',
    out,
  ]);
  expect(result.stderr).toBe('');
  return out;
}

describe('layer statistics', () => {
  it('are logged for every layer with weights, every epoch, and the CLI prints the same', () => {
    expect(stats.layers.map((l) => [l.name, l.kind, l.params, l.activation])).toEqual([
      ['dense_1', 'dense', 784 * 32 + 32, 'relu'],
      ['dense_2', 'dense', 32 * 10 + 10, null],
    ]);
    for (const layer of stats.layers) expect(layer.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const cli = workbench(['--db', workspace.db, 'layers', runId.slice(0, 8), '--json']);
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(stats)));
    const table = workbench(['--db', workspace.db, 'layers', runId.slice(0, 8)]);
    expect(table.stdout).toMatch(
      /dense_1 \(dense, 25,120 params; dead: relu units never active \(output 0\) on all 256/,
    );
    expect(workbench(['--db', workspace.db, 'layers', 'nope']).stderr).toMatch(/nope: no run with this id/);
  });

  it('agree with the kept weights: norms, histogram counts on the stored edges, update ratio', () => {
    const before = exportNpz(2);
    const after = exportNpz(3);
    const edges = stats.layers.map((l) => l.epochs[2].histogram.edges);
    const script = `
import json, sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
edges = json.loads(sys.argv[3])
keys = sorted([k for k in b.files if k.endswith('.kernel')], key=lambda k: int(k.split('.')[0]))
out = []
for key, e in zip(keys, edges):
    w0, w1 = a[key].astype(np.float64), b[key].astype(np.float64)
    counts, _ = np.histogram(w1, bins=np.array(e))
    out.append({'key': key, 'norm': float(np.linalg.norm(w1)), 'ratio': float(np.linalg.norm(w1 - w0) / np.linalg.norm(w0)),
                'counts': counts.tolist(), 'below': int((w1 < e[0]).sum()), 'above': int((w1 > e[-1]).sum()),
                'median': float(np.median(w1)), 'min': float(w1.min()), 'max': float(w1.max())})
print(json.dumps(out))`;
    const numpy = spawnSync('/usr/bin/python3', ['-c', script, before, after, JSON.stringify(edges)], {
      encoding: 'utf8',
    });
    expect(numpy.stderr).toBe('');
    const expected = JSON.parse(numpy.stdout) as {
      norm: number;
      ratio: number;
      counts: number[];
      below: number;
      above: number;
      median: number;
      min: number;
      max: number;
    }[];
    expect(expected).toHaveLength(2);
    stats.layers.forEach((layer, i) => {
      const e = layer.epochs[2];
      expect(e.weightNorm).toBeCloseTo(expected[i].norm, 9);
      expect(e.updateRatio).toBeCloseTo(expected[i].ratio, 9);
      expect(e.histogram.counts).toEqual(expected[i].counts);
      expect([e.histogram.below, e.histogram.above]).toEqual([expected[i].below, expected[i].above]);
      expect(e.percentiles[0]).toBe(expected[i].min);
      expect(e.percentiles[8]).toBe(expected[i].max);
      expect(Math.abs(e.percentiles[4] - expected[i].median)).toBeLessThan(
        (expected[i].max - expected[i].min) / 500,
      );
    });
  });

  it('travel in an archive to another store', () => {
    const laptop = archiveRoundTrip(workspace.dir, workspace.db, runId, 'layers');
    const there = workbench(['--db', laptop, 'layers', runId, '--json']);
    expect(JSON.parse(there.stdout)).toEqual(JSON.parse(JSON.stringify(stats)));
  });

  it('are drawn in the Layers panel of the run page', async () => {
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(served.url);
      await page.goto(`${served.origin}/#/runs/${runId}`);
      const panel = page.getByTestId('layers');
      await expect.poll(() => panel.getByTestId('layers-row').count(), { timeout: 30_000 }).toBe(2);
      const first = await panel.getByTestId('layers-row').first().innerText();
      expect(first).toContain('dense_1');
      expect(first).toContain(stats.layers[0].epochs[2].weightNorm.toPrecision(3));
      for (const chart of ['layers-distribution', 'layers-norms', 'layers-ratios', 'layers-dead']) {
        const box = panel.getByTestId(chart);
        await box.scrollIntoViewIfNeeded();
        await expect.poll(() => box.locator('[data-draw-ms]').count(), { timeout: 30_000 }).toBe(1);
      }
      // Picking the output layer redraws the distribution with its name.
      await panel.getByTestId('layers-pick').selectOption({ label: 'dense_2' });
      await expect
        .poll(() => panel.getByTestId('layers-distribution').locator('.gtitle').textContent())
        .toContain('dense_2 weights');
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
