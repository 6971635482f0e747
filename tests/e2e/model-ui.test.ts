import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethodName, RunTableRow } from '../../common/api/contract';
import type { ModelEvaluation } from '../../common/model-eval/types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * The Model panel of the run page and the confusion matrices of Compare, in Debian's Chromium against
 * `workbench serve` on a temporary SQLite file, with two small MNIST runs trained for real. What the page
 * draws is checked against what `models.evaluate` answers.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');
const GALLERY = 24;

let served: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const workspace = tempWorkspace('workbench-model-ui-');
const ids = { a: '', b: '', none: '' };

const api = <T>(method: ApiMethodName, params: unknown): Promise<T> => callServed<T>(served, method, params);

async function downloaded(testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

/** What Plotly drew in the chart under `testId`: its trace's z and the axes' tick labels. */
async function drawnHeatmap(
  testId: string,
): Promise<{ type: string; z: number[][]; x: string[]; y: string[] }> {
  return page.evaluate((id) => {
    const div = document.querySelector(`[data-testid="${id}"] .js-plotly-plot`) as unknown as {
      _fullData: { type: string; z: number[][] }[];
    };
    const ticks = (axis: string) =>
      [...document.querySelectorAll(`[data-testid="${id}"] .${axis}tick text`)].map(
        (t) => t.textContent ?? '',
      );
    return {
      type: div._fullData[0].type,
      z: div._fullData[0].z.map((r) => [...r]),
      x: ticks('x'),
      y: ticks('y'),
    };
  }, testId);
}

async function waitForDrawn(testId: string): Promise<void> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (id) => document.querySelector(`[data-testid="${id}"] .chart`)?.getAttribute('data-draw-ms') != null,
    testId,
    { timeout: 30_000 },
  );
}

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  const start = async (config: object) => (await api<{ runId: string }>('runs.start', { config })).runId;
  ids.a = await start(smallMnistMlp({ name: 'mnist lr 0.05', epochs: 3 }));
  ids.b = await start(smallMnistMlp({ name: 'mnist lr 0.2', epochs: 3, learningRate: 0.2 }));
  ids.none = await start({
    ...smallMnistMlp({ name: 'mnist no checkpoints', epochs: 1 }),
    checkpoints: 'none',
  });
  const deadline = Date.now() + 240_000;
  for (;;) {
    const runs = await api<RunTableRow[]>('runs.list', {});
    if (runs.filter((r) => r.status === 'completed').length === 3) break;
    if (runs.some((r) => !['completed', 'running', 'queued'].includes(r.status)))
      throw new Error(`a run did not complete: ${JSON.stringify(runs.map((r) => [r.name, r.status]))}`);
    if (Date.now() > deadline) throw new Error('the runs did not finish within 240 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('Model panel (run page)', () => {
  let evaluation: ModelEvaluation;

  it('draws the confusion matrix of the best epoch as a heat map with the digits on both axes', async () => {
    evaluation = await api<ModelEvaluation>('models.evaluate', { runId: ids.a, inputs: GALLERY });
    await page.goto(`${served.origin}/#/runs/${ids.a}`);
    const summary = page.getByTestId('model-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.getAttribute('data-epoch')).toBe(String(evaluation.epoch));
    expect(await summary.getAttribute('data-split')).toBe('validation');
    expect(Number(await summary.getAttribute('data-accuracy'))).toBe(evaluation.accuracy);
    await waitForDrawn('confusion-heatmap');
    const drawn = await drawnHeatmap('confusion-heatmap');
    expect(drawn.type).toBe('heatmap');
    expect(drawn.z).toEqual(evaluation.confusion);
    const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    expect(drawn.x).toEqual(digits);
    expect(drawn.y).toEqual(digits);
    // Zoom and pan only: nothing to upload anywhere, no second PNG export.
    const modebar = page.getByTestId('confusion-heatmap').locator('.modebar-btn');
    const titles = await modebar.evaluateAll((buttons) =>
      buttons.map((b) => b.getAttribute('data-title') ?? ''),
    );
    expect(titles.some((t) => /cloud|share|download|png/i.test(t))).toBe(false);
  });

  it('lists precision, recall, F1 and support of each digit', async () => {
    const rows = page.getByTestId('per-class-row');
    await expect.poll(() => rows.count()).toBe(10);
    for (const [i, m] of evaluation.perClass.entries()) {
      const row = rows.nth(i);
      expect(await row.locator('th').innerText()).toBe(m.class);
      expect(await row.locator('[data-col="support"]').innerText()).toBe(String(m.support));
      expect(await row.locator('[data-col="recall"]').innerText()).toBe(
        m.recall === null ? '—' : `${(m.recall * 100).toFixed(2)}%`,
      );
    }
  });

  it('shows the most confident mistakes as the digits themselves, drawn from their pixels', async () => {
    const expected = evaluation.mistakes.slice(0, GALLERY);
    const items = page.getByTestId('mistake');
    await expect.poll(() => items.count()).toBe(expected.length);
    expect(await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))))).toEqual(
      expected.map((m) => m.index),
    );
    // Each canvas holds its example's pixels, grey as stored: what the API handed over.
    const pixels = await page.getByTestId('example-canvas').evaluateAll((canvases) =>
      (canvases as HTMLCanvasElement[]).slice(0, 3).map((c) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        return {
          width: c.width,
          height: c.height,
          cssWidth: c.getBoundingClientRect().width,
          grey: [...data].filter((_, i) => i % 4 === 0),
        };
      }),
    );
    pixels.forEach((p, i) => {
      expect([p.width, p.height, p.cssWidth]).toEqual([28, 28, 84]);
      expect(p.grey).toEqual(expected[i].input);
    });
    expect(await items.first().innerText()).toContain(`#${expected[0].index}`);
  });

  it('toggles to row-normalised shares, each row summing to 1', async () => {
    await page.getByTestId('confusion-mode').check();
    await expect
      .poll(() => page.getByTestId('confusion-heatmap').getAttribute('data-mode'))
      .toBe('normalised');
    await expect
      .poll(async () =>
        (await drawnHeatmap('confusion-heatmap')).z.map((r) =>
          Number(r.reduce((a, b) => a + b, 0).toFixed(9)),
        ),
      )
      .toEqual(evaluation.confusion.map((r) => (r.some((v) => v > 0) ? 1 : 0)));
    await page.getByTestId('confusion-mode').uncheck();
    await expect.poll(() => page.getByTestId('confusion-heatmap').getAttribute('data-mode')).toBe('counts');
  });

  it('reads well at 1440 × 900 (screenshot)', async () => {
    await waitForDrawn('confusion-heatmap');
    // The panel at the top, its heading clear of the sticky header.
    await page.getByTestId('model-panel').evaluate((el) => {
      el.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -64);
    });
    await page.waitForTimeout(300);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, 'model-panel.png');
    await page.screenshot({ path: file });
    // `WORKBENCH_UPDATE_SCREENSHOTS=1` refreshes the README's picture.
    if (process.env.WORKBENCH_UPDATE_SCREENSHOTS)
      copyFileSync(file, join(ROOT, 'docs', 'screenshots', 'model-panel.png'));
  });

  it('exports the confusion matrix as SVG, PNG and CSV', async () => {
    const svg = await downloaded('export-confusion-svg');
    expect(svg.name).toBe(`mnist-lr-0-05-epoch${evaluation.epoch}-validation-confusion.svg`);
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain('<title>mnist lr 0.05: confusion matrix</title>');
    expect(text.match(/<g class="cells">[^]*?<\/g>/)?.[0].match(/<rect /g)).toHaveLength(100);
    const png = await downloaded('export-confusion-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const csv = await downloaded('export-confusion-csv');
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8')) as string[][];
    expect(header.slice(0, 5)).toEqual(['class', 'support', 'precision', 'recall', 'f1']);
    expect(rows.map((r) => r.slice(5).map(Number))).toEqual(evaluation.confusion);
  });

  it('downloads the model as an .npz', async () => {
    const npz = await downloaded('download-model-npz');
    expect(npz.name).toBe(`mnist lr 0.05-epoch${evaluation.epoch}.npz`);
    expect(npz.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('evaluates the test split when it is chosen', async () => {
    const test = await api<ModelEvaluation>('models.evaluate', { runId: ids.a, split: 'test' });
    await page.getByTestId('model-split').selectOption('test');
    const summary = page.getByTestId('model-summary');
    await expect.poll(() => summary.getAttribute('data-split')).toBe('test');
    expect(Number(await summary.getAttribute('data-accuracy'))).toBe(test.accuracy);
  });

  it('says so when the run keeps no checkpoint', async () => {
    await page.goto(`${served.origin}/#/runs/${ids.none}`);
    const note = page.getByTestId('model-no-checkpoint');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/^This run keeps no checkpoint \(its policy is "none"\)/);
  });
});

describe('Confusion matrices in Compare', () => {
  it('puts the two runs side by side with their difference B − A', async () => {
    const [a, b] = await Promise.all(
      [ids.a, ids.b].map((runId) =>
        api<ModelEvaluation>('models.evaluate', { runId, epoch: 'best', split: 'validation' }),
      ),
    );
    await page.goto(`${served.origin}/#/compare?ids=${ids.a},${ids.b},${ids.none}&tab=models`);
    await page.getByTestId('compare-models').waitFor({ timeout: 60_000 });
    await waitForDrawn('compare-confusion-diff');
    const diff = await drawnHeatmap('compare-confusion-diff');
    expect(diff.z).toEqual(b.confusion.map((row, i) => row.map((v, j) => v - a.confusion[i][j])));
    expect((await drawnHeatmap('compare-confusion-a')).z).toEqual(a.confusion);
    expect((await drawnHeatmap('compare-confusion-b')).z).toEqual(b.confusion);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page
      .getByTestId('compare-models')
      .screenshot({ path: join(SCREENSHOTS, 'compare-confusions.png') });
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
