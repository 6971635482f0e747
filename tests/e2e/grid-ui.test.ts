import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethodName } from '../../common/api/contract';
import type { GridDetail } from '../../common/grid/types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * A hyperparameter grid through the browser UI, end to end: defined in the New grid view, trained by
 * `workbench serve` on its two workers (real training on Iris), watched live, read back from the results
 * table, heatmap, parallel coordinates and importance, and exported.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');
/**
 * Long enough per cell (a second or two of training on Iris, against about a second of starting a cell)
 * that both workers are seen busy at once.
 */
const EPOCHS = 1000;

let served: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let gridId = '';
const consoleErrors: string[] = [];
const workspace = tempWorkspace('workbench-grid-ui-');

const api = <T>(method: ApiMethodName, params: unknown): Promise<T> => callServed<T>(served, method, params);

/** The pictures the README shows; the others are for looking at after a run. */
const README_SCREENSHOTS = new Set(['grid', 'new-grid']);

async function screenshot(name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  // `WORKBENCH_UPDATE_SCREENSHOTS=1` refreshes the README's pictures.
  if (process.env.WORKBENCH_UPDATE_SCREENSHOTS && README_SCREENSHOTS.has(name)) {
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(file, join(ROOT, 'docs', 'screenshots', `${name}.png`));
  }
}

async function download(testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** The text of one column of the results table, row by row as shown. */
async function column(id: string): Promise<string[]> {
  return page.locator(`[data-testid="grid-result-row"] td[data-column="${id}"]`).allInnerTexts();
}

const count = async (testId: string) =>
  Number(await page.getByTestId(testId).first().getAttribute('data-count'));

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('grids in the browser UI', () => {
  it('defines a 3 × 2 Iris grid in the New grid view, checked as it is edited', async () => {
    await page.getByTestId('nav-grids').click();
    await page.getByTestId('grids-empty').waitFor();
    await page.getByTestId('new-grid').click();
    await page.getByTestId('grid-preset-select').selectOption('e7-grid-optimizer');
    await page.getByTestId('grid-name').fill('iris-grid');
    await page
      .getByTestId('grid-description')
      .fill('Learning rate × hidden units on Iris, Nesterov, full batch.');
    const first = page.getByTestId('axis-editor').nth(0);
    await first.getByTestId('axis-path').selectOption('training.learningRate');
    await first.getByTestId('axis-mode-list').check();
    await first.getByTestId('axis-values').fill('0.01, 0.05, 0.1');
    await page.getByTestId('add-axis').click();
    const second = page.getByTestId('axis-editor').nth(1);
    await second.getByTestId('axis-path').selectOption('model.hiddenUnits');
    await second.getByTestId('axis-values').fill('4; 16');
    await page.getByTestId('grid-epochs').fill(String(EPOCHS));

    // A bad value is flagged next to its axis and Start is disabled until it is fixed.
    await first.getByTestId('axis-values').fill('0.01, fast, 0.1');
    await first.locator('[data-testid="field-error"]').first().waitFor();
    expect(await page.getByTestId('start-grid').isDisabled()).toBe(true);
    await first.getByTestId('axis-values').fill('0.01, 0.05, 0.1');

    await page.locator('[data-testid="grid-cell-count"][data-cells="6"]').waitFor();
    await expect.poll(() => page.getByTestId('start-grid').isEnabled()).toBe(true);
    const spec = JSON.parse(await page.getByTestId('grid-spec-json').inputValue()) as Record<string, unknown>;
    expect(spec).toMatchObject({
      name: 'iris-grid',
      description: 'Learning rate × hidden units on Iris, Nesterov, full batch.',
      base: 'e7-iris-nesterov',
      override: { training: { epochs: EPOCHS } },
      axes: [
        { path: 'training.learningRate', values: [0.01, 0.05, 0.1] },
        { path: 'model.hiddenUnits', values: [[4], [16]] },
      ],
    });
    expect(await page.getByTestId('grid-preview-cell').first().innerText()).toBe(
      'iris-grid · lr=0.01 · hidden=4',
    );
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await screenshot('new-grid');

    await page.getByTestId('start-grid').click();
    await page.waitForURL((url) => url.hash.startsWith('#/grids/') && url.hash !== '#/grids/new');
    gridId = decodeURIComponent(new URL(page.url()).hash.slice('#/grids/'.length));
    expect(gridId).not.toBe('');
  });

  it('watches it run live: two cells at once on the two workers, then every cell done', async () => {
    await page.getByTestId('grid-results').waitFor();
    let mostRunning = 0;
    let sawEta = false;
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      mostRunning = Math.max(mostRunning, await count('count-running'));
      // The ETA leaves the page when the last cell ends, possibly between finding and reading it.
      const etaShown = page.getByTestId('grid-eta');
      const eta =
        (await etaShown.count()) > 0 ? await etaShown.innerText({ timeout: 500 }).catch(() => '') : '';
      if (/^ETA \d/.test(eta)) sawEta = true;
      if ((await count('count-done')) === 6) break;
      await page.waitForTimeout(100);
    }
    expect(await count('count-done')).toBe(6);
    expect(mostRunning).toBe(2);
    expect(sawEta).toBe(true);
    await page.locator('[data-testid="grid-status"]', { hasText: 'completed' }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('[data-testid="grid-result-row"][data-status="completed"]').count())
      .toBe(6);
  });

  it('reads the results table, the heatmap, the parallel coordinates and the importance', async () => {
    const detail = await api<GridDetail>('grids.get', { gridId });
    // Iris here has no validation split: the best epoch is the one of lowest training loss.
    expect(detail.monitor).toBe('trainLoss');
    const best = (r: GridDetail['results'][number]) => r.atBest?.trainLoss ?? Infinity;

    // Best first, with the best-epoch value (not the last one) of every cell.
    const shown = (await column('best:trainLoss')).map(Number);
    expect(shown).toHaveLength(6);
    expect([...shown].sort((a, b) => a - b)).toEqual(shown);
    const ranked = [...detail.results].sort((a, b) => best(a) - best(b));
    shown.forEach((value, i) => expect(value).toBeCloseTo(best(ranked[i]), 3));
    expect(new Set(await column('axis:training.learningRate'))).toEqual(new Set(['0.01', '0.05', '0.1']));
    expect(new Set(await column('axis:model.hiddenUnits'))).toEqual(new Set(['4', '16']));
    expect(await column('bestEpoch')).toHaveLength(6);

    // Heatmap: hidden across, lr up; the values of the table, levels as tick labels.
    const heatmap = page.getByTestId('heatmap');
    await heatmap.locator('.main-svg').first().waitFor();
    expect(await heatmap.locator('.xtick text').allTextContents()).toEqual(['4', '16']);
    expect(await heatmap.locator('.ytick text').allTextContents()).toEqual(['0.01', '0.05', '0.1']);
    await page.locator('.heatmap-table summary').click();
    const cellText = await page.getByTestId('heatmap-table').locator('tbody td').allInnerTexts();
    expect(cellText).toHaveLength(6);
    const bestOf = (lr: number, hidden: number) =>
      best(
        detail.results.find(
          (r) =>
            r.values['training.learningRate'] === lr &&
            (r.values['model.hiddenUnits'] as number[])[0] === hidden,
        )!,
      );
    // Rows top to bottom: lr 0.1, 0.05, 0.01; columns hidden 4, 16.
    const expected = [0.1, 0.05, 0.01].flatMap((lr) => [4, 16].map((h) => bestOf(lr, h)));
    cellText.forEach((text, i) => expect(Number(text)).toBeCloseTo(expected[i], 3));

    // Parallel coordinates: drawn with WebGL (under the app's CSP), one axis per grid axis and metric.
    const parcoords = page.getByTestId('parcoords');
    await parcoords.locator('.gl-canvas').first().waitFor();
    expect(await parcoords.locator('.no-webgl').count()).toBe(0);
    expect(await parcoords.getAttribute('data-lines')).toBe('6');
    // An offline tool: no Plotly Cloud "Share chart" button on any chart.
    expect(await page.locator('.modebar-btn[data-title^="Share"]').count()).toBe(0);
    const titles = await parcoords.locator('.axis-title').allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['lr', 'hidden', 'train loss @best', 'test acc @best']));

    // Importance names its method and splits the variance between the two axes and their interaction.
    expect(await page.getByTestId('importance-method').innerText()).toMatch(
      /main-effect variance decomposition \(functional ANOVA\).*full 3 × 2 grid/s,
    );
    const fractions = await page
      .locator('[data-testid="importance-axis"], [data-testid="importance-interactions"]')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-fraction'))));
    expect(fractions).toHaveLength(3);
    expect(fractions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(await page.getByTestId('importance-seeds').innerText()).toMatch(/One seed per point/);
    await page.locator('.heatmap-table summary').click();
    await page.getByTestId('grid-results').scrollIntoViewIfNeeded();
    // At 1440 px every column header reads in full ("Best epoc" once did).
    const clipped = await page.locator('[data-testid="grid-results"] thead th').evaluateAll((ths) =>
      ths
        // The selection column's header is a checkbox with a label for screen readers only.
        .filter((th) => th.getAttribute('data-column') !== 'select')
        .filter((th) => {
          // The text's own width against the room the cell gives it (a button clips without overflowing).
          const range = document.createRange();
          range.selectNodeContents(th);
          const style = getComputedStyle(th);
          const room = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return range.getBoundingClientRect().width > room + 0.5;
        })
        .map((th) => th.textContent),
    );
    expect(clipped).toEqual([]);
    await screenshot('grid');
    await screenshot('grid-full', true);
  });

  it('filters the results table by brushing an axis of the parallel coordinates', async () => {
    const parcoords = page.getByTestId('parcoords');
    await parcoords.scrollIntoViewIfNeeded();
    // The hidden-units axis is categorical: clicking next to a value (16, at the top) selects it.
    const axis = parcoords.locator('.axis-brush .background').nth(1);
    const box = (await axis.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.05);
    await page.getByTestId('brush-note').waitFor();
    await expect.poll(() => page.getByTestId('grid-result-row').count()).toBe(3);
    expect(new Set(await column('axis:model.hiddenUnits'))).toEqual(new Set(['16']));
    expect(await page.getByTestId('brush-note').innerText()).toMatch(/Showing 3 of 6 runs: hidden in \{16\}/);
    await screenshot('grid-brushed');
    await page.getByTestId('clear-brush').click();
    await expect.poll(() => page.getByTestId('grid-result-row').count()).toBe(6);
  });

  it('exports every cell as CSV and the figures as SVG and PNG', async () => {
    const detail = await api<GridDetail>('grids.get', { gridId });
    const csv = await download('export-grid-csv');
    expect(csv.name).toBe('iris-grid-results.csv');
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8')) as string[][];
    expect(rows).toHaveLength(6);
    const at = (name: string) => header.indexOf(name);
    expect(at('training.learningRate')).toBeGreaterThan(0);
    expect(rows.map((r) => r[at('run_id')]).sort()).toEqual(detail.results.map((r) => r.runId).sort());
    for (const row of rows) {
      const cell = detail.results.find((r) => r.runId === row[at('run_id')])!;
      expect(Number(row[at('train_loss_at_best')])).toBe(cell.atBest?.trainLoss);
      expect(Number(row[at('best_epoch')])).toBe(cell.bestEpoch);
      expect(row[at('model.hiddenUnits')]).toBe(JSON.stringify(cell.values['model.hiddenUnits']));
    }

    const heatmap = await download('export-heatmap-svg');
    expect(heatmap.name).toBe('iris-grid-heatmap.svg');
    const heatmapText = heatmap.bytes.toString('utf8');
    expect(heatmapText).toMatch(/^<\?xml/);
    expect(heatmapText).toContain('hidden (model.hiddenUnits)');
    expect(heatmapText).toContain('lr (training.learningRate)');
    expect(heatmapText).toContain('train loss @best (lower is better)');
    for (const tick of ['>4<', '>16<', '>0.01<', '>0.05<', '>0.1<']) expect(heatmapText).toContain(tick);

    const parcoords = await download('export-parcoords-svg');
    const parcoordsText = parcoords.bytes.toString('utf8');
    for (const title of ['>lr<', '>hidden<', '>train loss @best<']) expect(parcoordsText).toContain(title);
    expect(parcoordsText.match(/<path d="M[^"]*" stroke="#[0-9a-f]{6}"><title>/g)).toHaveLength(6);

    const png = await download('export-heatmap-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(400);
  });

  it('replays early stopping on every cell: a point per cell against an axis, and the heatmap by it', async () => {
    await page.getByTestId('grid-stopping-toggle').click();
    const chart = page.getByTestId('stopping-chart');
    await chart.waitFor();
    // The grid's axes by its labels; the learning rate, a log axis, first.
    const axes = await page.getByTestId('stopping-axis').locator('option').allTextContents();
    expect(axes).toEqual(['lr', 'hidden']);
    expect(await chart.getAttribute('data-points')).toBe('6');
    expect(await page.getByTestId('stopping-row').count()).toBe(6);
    // Drawn: one dot per cell in the best-epoch series (cells share each lr, so dots, no line).
    const bestEpochs = chart.locator('.scatterlayer .trace').first();
    await expect.poll(() => bestEpochs.locator('path.point').count()).toBe(6);
    const detail = await api<GridDetail>('grids.get', { gridId });
    const shownBest = (await page.locator('[data-testid="stopping-row"] [data-col="best"]').allInnerTexts())
      .map(Number)
      .sort((a, b) => a - b);
    // Patience on the grid's monitor (training loss here): its best epoch is the grid's.
    expect(shownBest).toEqual(detail.results.map((r) => r.bestEpoch).sort((a, b) => a! - b!));
    await chart.scrollIntoViewIfNeeded();
    await screenshot('grid-stopping');

    await page.getByTestId('heatmap-colour').selectOption('epochsSaved');
    await page
      .getByTestId('heatmap-note')
      .filter({ hasText: /^Under patience:10 on trainLoss/ })
      .waitFor();
    await page.locator('.heatmap-table summary').click();
    const saved = await page.getByTestId('heatmap-table').locator('tbody td').allInnerTexts();
    expect(saved).toHaveLength(6);
    const savedByRow = await page.locator('[data-testid="stopping-row"] [data-col="saved"]').allInnerTexts();
    expect(saved.map(Number).sort((a, b) => a - b)).toEqual(savedByRow.map(Number).sort((a, b) => a - b));
    await page.locator('.heatmap-table summary').click();
    await page.getByTestId('heatmap-colour').selectOption('analysed');
  });

  it('draws the parallel coordinates only once they are scrolled to, the rest of the view first', async () => {
    const viewport = page.viewportSize();
    // A short window: the parallel coordinates sit far below its bottom edge.
    await page.setViewportSize({ width: 1200, height: 320 });
    try {
      await page.getByTestId('nav-runs').click();
      await page.getByTestId('runs-table').waitFor();
      await page.evaluate((id) => (location.hash = `#/grids/${encodeURIComponent(id)}`), gridId);
      const parcoords = page.locator('[data-testid="parcoords"] .chart');
      await expect.poll(() => parcoords.getAttribute('data-waiting')).toBe('off-screen');
      await page.waitForTimeout(500);
      expect(await parcoords.locator('.main-svg').count()).toBe(0);
      expect(await parcoords.getAttribute('data-draw-ms')).toBeNull();
      await page.getByTestId('parcoords').scrollIntoViewIfNeeded();
      await expect.poll(() => parcoords.getAttribute('data-draw-ms'), { timeout: 30_000 }).not.toBeNull();
      expect(await parcoords.getAttribute('data-waiting')).toBeNull();
      expect(await parcoords.locator('.main-svg').count()).toBeGreaterThan(0);
    } finally {
      if (viewport) await page.setViewportSize(viewport);
    }
  });

  it('opens Compare on the grid’s cells, labelled by their axis values', async () => {
    await page.getByTestId('compare-cells').click();
    await page.waitForURL((url) => url.hash.startsWith('#/compare?ids='));
    const ids = new URL(page.url()).hash.slice('#/compare?ids='.length).split(',');
    expect(ids).toHaveLength(6);
    const chart = page.getByTestId('compare-chart');
    await chart.waitFor();
    await expect.poll(() => chart.getByTestId('legend-item').count()).toBe(6);
    // Drawn by the same (strict) Plotly bundle as the grid's charts.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="compare-chart"]')?.getAttribute('data-draw-ms') != null,
    );
    expect(await chart.innerText()).toContain('lr=0.05');
  });

  it('shows in the Runs view which grid each run belongs to, and filters by it', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await expect
      .poll(() => page.getByTestId('run-grid-link').allInnerTexts())
      .toEqual(Array(6).fill('iris-grid'));
    expect(await page.getByTestId('run-grid-link').first().getAttribute('href')).toBe(`#/grids/${gridId}`);
    const filter = page.getByTestId('runs-filter');
    await filter.fill('grid:iris-grid');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(6);
    await filter.fill('grid:nothing-like-it');
    await page.getByText('No runs match the filter.').waitFor();
    await filter.fill('');
    await page.getByTestId('nav-grids').click();
    const row = page.locator(`[data-testid="grid-row"][data-grid-id="${gridId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('completed');
    expect(await row.innerText()).toContain('6 done');
  });

  it('logged no errors in the page (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
