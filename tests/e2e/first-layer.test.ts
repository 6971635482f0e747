import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirstLayerPictures } from '../../common/checkpoints/first-layer';
import type { RunDetail } from '../../common/run-types';
import { launchChromium } from '../support/browser';
import { tempWorkspace, workbench } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * The first layer's weights as pictures: an MNIST MLP trained for real, its first hidden units' incoming
 * weights from `models.firstLayer` checked against the exported .npz read by numpy, and drawn on the run page.
 */

const workspace = tempWorkspace('workbench-first-layer-');
let served: ServedWorkbench;
let runId = '';

async function completed(id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, error } = await callServed<RunDetail>(served, 'runs.get', { runId: id });
    if (status === 'completed') return;
    if (!['queued', 'running'].includes(status)) throw new Error(`run ${id} ended ${status}: ${error}`);
    if (Date.now() > deadline) throw new Error(`run ${id} is ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  runId = (
    await callServed<{ runId: string }>(served, 'runs.start', {
      config: smallMnistMlp({ name: 'tiles', epochs: 2 }),
    })
  ).runId;
  await completed(runId, 120_000);
});

afterAll(async () => {
  await served?.stop();
});

describe('first-layer pictures', () => {
  it('are each unit’s incoming weights, as the exported kernel’s columns say', async () => {
    const pictures = await callServed<FirstLayerPictures>(served, 'models.firstLayer', {
      runId,
      epoch: 'last',
    });
    expect(pictures).toMatchObject({ epoch: 2, kind: 'dense', units: 32, tileShape: [28, 28] });
    expect(pictures.tiles).toHaveLength(32);
    expect(pictures.tiles.every((t) => t.length === 784)).toBe(true);
    const out = join(workspace.dir, 'tiles.npz');
    expect(
      workbench([
        '--db',
        workspace.db,
        'model',
        'export',
        runId,
        '--epoch',
        'last',
        '--format',
        'npz',
        '--out',
        out,
      ]).status,
    ).toBe(0);
    const numpy = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import json, numpy as np; k = np.load(${JSON.stringify(out)})['0.dense.kernel']; print(json.dumps([k[:, 0].tolist(), k[:, 31].tolist()]))`,
      ],
      { encoding: 'utf8' },
    );
    expect(numpy.stderr).toBe('');
    const [first, last] = JSON.parse(numpy.stdout) as number[][];
    expect(pictures.tiles[0]).toEqual(first);
    expect(pictures.tiles[31]).toEqual(last);
    expect(pictures.maxAbs).toBe(Math.max(...pictures.tiles.flat().map(Math.abs)));
  });

  it('are drawn on the run page, one picture per unit', async () => {
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(served.url);
      await page.goto(`${served.origin}/#/runs/${runId}`);
      const tiles = page.getByTestId('first-layer-tiles').getByTestId('dataset-sample');
      await expect.poll(() => tiles.count(), { timeout: 30_000 }).toBe(32);
      // Drawn, not blank: the weights spread over the grey scale.
      const levels = await tiles.first().evaluate((c) => {
        const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4) seen.add(data[i]);
        return seen.size;
      });
      expect(levels).toBeGreaterThan(20);
    } finally {
      await browser.close();
    }
  });

  it('answers, with the reason, where there is no picture: a first layer on tabular data', async () => {
    const iris = {
      name: 'iris',
      seed: 1,
      dataset: { id: 'iris', split: { train: 100, validation: 25, test: 25 }, shuffleSeed: 1 },
      model: { kind: 'mlp', hiddenUnits: [8], activation: 'relu', init: 'xavier' },
      training: { optimizer: 'sgd', learningRate: 0.05, batchSize: 10, epochs: 1, lossReduction: 'mean' },
      regularization: { l2: 0 },
    };
    const id = (await callServed<{ runId: string }>(served, 'runs.start', { config: iris })).runId;
    await expect
      .poll(async () => (await callServed<RunDetail>(served, 'runs.get', { runId: id })).status, {
        timeout: 60_000,
      })
      .toBe('completed');
    const answer = await callServed<{ drawable: boolean; reason?: string }>(served, 'models.firstLayer', {
      runId: id,
    });
    expect(answer.drawable).toBe(false);
    expect(answer.reason).toMatch(
      /its first layer takes 4 features of shape \[4\], not an image: there is no picture of a unit's weights/,
    );
    // The run page asks for every run; for this one it shows no First layer panel and logs no error.
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(served.url);
      const asked = page.waitForResponse((r) => r.url().endsWith('/models.firstLayer'));
      await page.goto(`${served.origin}/#/runs/${id}`);
      expect((await asked).status()).toBe(200);
      await page.getByTestId('model-panel').waitFor();
      await expect.poll(() => page.getByTestId('first-layer').count()).toBe(0);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
