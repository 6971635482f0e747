import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethodName } from '../../common/api/contract';
import type { RunEpochs, RunTableRow } from '../../common/api/contract';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * The user's path through the browser UI, end to end: the real renderer in Debian's Chromium against
 * `workbench serve` on a temporary SQLite file, with real training on real MNIST.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');

let served: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];
const workspace = tempWorkspace('workbench-ui-');

const api = <T>(method: ApiMethodName, params: unknown): Promise<T> => callServed<T>(served, method, params);

async function screenshot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  // `WORKBENCH_UPDATE_SCREENSHOTS=1 npm test` refreshes the README's pictures.
  if (process.env.WORKBENCH_UPDATE_SCREENSHOTS) {
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(file, join(ROOT, 'docs', 'screenshots', `${name}.png`));
  }
}

/** Opens the New run view on a preset and replaces the config with `config` through the JSON editor. */
async function fillNewRun(config: object): Promise<void> {
  await page.getByTestId('nav-new').click();
  await page.getByTestId('preset-select').waitFor();
  const editor = page.getByTestId('config-json');
  await editor.fill(JSON.stringify(config, null, 2));
  await page.getByTestId('model-summary').waitFor();
}

async function downloadText(testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

/** Plotly's resolved layout of the chart inside `testId` (what it actually draws). */
async function plotLayout(
  testId: string,
): Promise<Record<string, { range?: number[]; ticktext?: string[] } | undefined>> {
  return page.evaluate((id) => {
    const div = document.querySelector(`[data-testid="${id}"] .js-plotly-plot`) as unknown as {
      _fullLayout: Record<string, { range?: number[]; ticktext?: string[] }>;
    };
    const pick = (axis?: { range?: number[]; ticktext?: string[] }) =>
      axis && { range: [...(axis.range ?? [])], ticktext: [...(axis.ticktext ?? [])] };
    const layout = div._fullLayout;
    return { xaxis: pick(layout.xaxis), yaxis: pick(layout.yaxis), yaxis2: pick(layout.yaxis2) };
  }, testId);
}

async function waitForChart(): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="compare-chart"]')?.getAttribute('data-draw-ms') != null,
  );
}

/** The text of every tick label under `selector` in an exported SVG. */
function svgTexts(svg: string, className: string): string[][] {
  return [...svg.matchAll(new RegExp(`<g class="${className}"[^>]*>([^]*?)</g>`, 'g'))].map((group) =>
    [...group[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]),
  );
}

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  // An offline tool: nothing the page does may leave for another host (Plotly's cloud, map tiles, fonts).
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(served.origin) && !/^(blob|data):/.test(url)) foreignRequests.push(url);
  });
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('browser UI against workbench serve', () => {
  it('opens on an empty store and explains how to begin', async () => {
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByTestId('empty-state').innerText()).toMatch(/no runs/i);
    // The token moved from the URL into the session: nothing secret stays in the address bar.
    expect(page.url()).not.toContain('token=');
    await screenshot('runs-empty');
  });

  it('flags a bad field inline and disables Start', async () => {
    await page.getByTestId('nav-new').click();
    await page.getByTestId('preset-select').waitFor();
    const bad = {
      ...smallMnistMlp({ name: 'bad' }),
      training: { ...smallMnistMlp().training, batchSize: 0 },
    };
    await page.getByTestId('config-json').fill(JSON.stringify(bad, null, 2));
    const error = page.locator('[data-testid="field-error"][data-path="training.batchSize"]');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/integer/);
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);

    // A batch larger than the training split is refused, not trained as "Batch 1/1".
    const huge = { ...bad, training: { ...bad.training, batchSize: 100_000_000 } };
    await page.getByTestId('config-json').fill(JSON.stringify(huge, null, 2));
    await expect
      .poll(() => error.innerText())
      .toMatch(/100 000 000 is larger than the training split \(1 000 examples\); use "full"/);
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);
  });

  it('starts a bundled preset with one field edited in the form', async () => {
    await page.getByTestId('nav-new').click();
    await page.getByTestId('preset-select').selectOption('e7-iris-nesterov');
    await page.getByLabel('Epochs', { exact: true }).fill('25');
    const summary = page.getByTestId('model-summary');
    await summary.waitFor();
    // E7: 4 → 16 softplus → 3 is 131 parameters.
    expect(await summary.innerText()).toMatch(/\b131\b/);
    expect(JSON.parse(await page.getByTestId('config-json').inputValue()).training.epochs).toBe(25);
    await page.getByTestId('start-run').click();
    await page.locator('[data-testid="run-status"]', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('[data-testid="epoch-row"]').count()).toBe(25);
    const runs = await api<RunTableRow[]>('runs.list', {});
    const iris = runs.find((r) => r.datasetId === 'iris');
    expect(iris?.hyper.optimizer).toBe('nesterov');
    expect(iris?.epochs).toBe(25);
  });

  it('opens New run on the last run’s config, with the presets in natural order', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await page.getByTestId('nav-new').click();
    const select = page.getByTestId('preset-select');
    await select.waitFor();
    expect(await select.inputValue()).toBe('@last-run');
    const options = await select.locator('option').allInnerTexts();
    expect(options[0]).toMatch(/^Last run: E7 Iris Nesterov/);
    expect(JSON.parse(await page.getByTestId('config-json').inputValue()).training.epochs).toBe(25);
    // E3 100, 500, 2000 (numbers as numbers), not 100, 2000, 500.
    expect(options.filter((o) => o.startsWith('E3')).map((o) => /\d+/.exec(o.slice(2))?.[0])).toEqual([
      '100',
      '500',
      '2000',
    ]);
  });

  it('starts a run from a preset-like config and watches it finish live', async () => {
    await fillNewRun(smallMnistMlp({ name: 'ui-run-a', epochs: 8 }));
    expect(await page.getByTestId('model-summary').innerText()).toMatch(/25[, ]?450/);
    await screenshot('new-run');
    await page.getByTestId('start-run').click();
    const status = page.getByTestId('run-status');
    await status.waitFor();
    // The detail page shows the run while it trains, then its final state, without a reload.
    const seen = new Set<string>();
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      seen.add((await status.innerText()).trim());
      if (seen.has('completed')) break;
      await page.waitForTimeout(100);
    }
    expect(seen.has('completed')).toBe(true);
    expect([...seen].some((s) => s === 'running' || s === 'queued')).toBe(true);
    const epochRows = page.locator('[data-testid="epoch-row"]');
    expect(await epochRows.count()).toBe(8);
    // Losses with four significant digits each, never "1.1" beside "1.107".
    const trainLosses = await epochRows.locator('td:nth-child(2)').allInnerTexts();
    for (const text of trainLosses) expect(text.split('\n')[0]).toMatch(/^(\d\.\d{3}|0\.\d{4})$/);
    await screenshot('run-detail');
  });

  it('cancels a long run from its detail page, and another from the table instead of deleting it', async () => {
    await fillNewRun(smallMnistMlp({ name: 'ui-run-cancel', epochs: 500 }));
    await page.getByTestId('start-run').click();
    await page.getByTestId('epoch-progress').waitFor();
    await page.locator('[data-testid="epoch-row"]').first().waitFor({ timeout: 60_000 });
    // It has started, and says when.
    await expect
      .poll(() => page.getByTestId('started-at').innerText())
      .toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    const detailUrl = page.url();

    // A second run trains beside it (one worker per core); the Runs view shows both live.
    const second = await api<{ runId: string }>('runs.start', {
      config: smallMnistMlp({ name: 'ui-run-parallel', epochs: 500 }),
    });
    await page.getByTestId('nav-runs').click();
    await expect
      .poll(() => page.locator('[data-testid="run-row"][data-status="running"]').count(), { timeout: 60_000 })
      .toBe(2);
    // Deleting it: the bar names it, promises nothing it cannot do, and offers to cancel it.
    const row = page.locator(`[data-testid="run-row"][data-run-id="${second.runId}"]`);
    await row.getByRole('checkbox').check();
    await page.getByTestId('delete-selected').click();
    const blocked = await page.getByTestId('delete-blocked').innerText();
    expect(blocked).toBe('“ui-run-parallel” is still training: cancel it before deleting.');
    expect(await page.getByTestId('delete-confirm').innerText()).not.toMatch(/cannot be undone/);
    await page.getByTestId('cancel-selected-runs').click();
    await page
      .locator(`[data-testid="run-row"][data-run-id="${second.runId}"][data-status="cancelled"]`)
      .waitFor({ timeout: 60_000 });
    // Now it can go.
    await page.getByTestId('confirm-delete').click();
    await expect.poll(() => row.count()).toBe(0);

    await page.goto(detailUrl);
    await page.getByTestId('cancel-run').click();
    // Asked first: nothing is cancelled by one click.
    await page.getByTestId('confirm-cancel-run').waitFor();
    expect((await api<RunTableRow[]>('runs.list', {})).find((r) => r.name === 'ui-run-cancel')?.status).toBe(
      'running',
    );
    await page.getByTestId('confirm-cancel-run').click();
    await page.locator('[data-testid="run-status"]', { hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    const runs = await api<RunTableRow[]>('runs.list', {});
    const cancelled = runs.find((r) => r.name === 'ui-run-cancel');
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.epochs).toBeGreaterThanOrEqual(1);
  });

  it('compares two runs and exports SVG, PNG and CSV of every epoch', async () => {
    await fillNewRun(smallMnistMlp({ name: 'ui-run-b', epochs: 6, learningRate: 0.01 }));
    await page.getByTestId('start-run').click();
    await page.locator('[data-testid="run-status"]', { hasText: 'completed' }).waitFor({ timeout: 120_000 });

    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    const runs = await api<RunTableRow[]>('runs.list', {});
    const a = runs.find((r) => r.name === 'ui-run-a');
    const b = runs.find((r) => r.name === 'ui-run-b');
    expect(a && b).toBeTruthy();
    await screenshot('runs');

    await page.getByTestId('nav-compare').click();
    for (const run of [a!, b!]) {
      await page.locator(`[data-testid="compare-select-run"][data-run-id="${run.id}"]`).check();
    }
    const chart = page.getByTestId('compare-chart');
    await chart.waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="compare-chart"]')?.getAttribute('data-draw-ms') !== null,
    );
    const legend = await chart.innerText();
    expect(legend).toContain('ui-run-a');
    expect(legend).toContain('ui-run-b');
    await screenshot('compare');

    const svg = await downloadText('export-svg');
    expect(svg.name).toMatch(/\.svg$/);
    const svgText = svg.bytes.toString('utf8');
    expect(svgText).toMatch(/^<\?xml|^<svg/);
    expect(svgText).toContain('ui-run-a');
    expect(svgText).toContain('ui-run-b');

    const png = await downloadText('export-png');
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(400);

    const csv = await downloadText('export-csv');
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8')) as string[][];
    const runIdColumn = header.indexOf('run_id');
    const epochColumn = header.indexOf('epoch');
    expect(runIdColumn).toBeGreaterThanOrEqual(0);
    // Every epoch of both runs, none dropped.
    expect(rows.filter((r) => r[runIdColumn] === a!.id).map((r) => Number(r[epochColumn]))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(rows.filter((r) => r[runIdColumn] === b!.id).map((r) => Number(r[epochColumn]))).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('shows every column of the runs table, finds runs by any hyperparameter, and is keyboard-driven', async () => {
    await page.getByTestId('nav-runs').click();
    const table = page.getByTestId('runs-table');
    await table.waitFor();
    const runs = await api<RunTableRow[]>('runs.list', {});
    const iris = runs.find((r) => r.datasetId === 'iris')!;
    const a = runs.find((r) => r.name === 'ui-run-a')!;
    const headers = await table.locator('thead th').allInnerTexts();
    const cell = (runId: string, header: string) =>
      page
        .locator(`[data-testid="run-row"][data-run-id="${runId}"] td`)
        .nth(headers.findIndex((h) => h.startsWith(header)))
        .innerText();
    // A run without a validation split shows what it has: its test accuracy.
    expect(await cell(iris.id, 'Best val acc')).toBe('no val split');
    expect(await cell(iris.id, 'Test acc')).toMatch(/^\d+\.\d\d%$/);
    expect(await cell(a.id, 'Best val acc')).toMatch(/^\d+\.\d\d% · ep \d$/);
    // Every column fits a 1400 px window: the last one ends inside the table's box.
    const box = await page.locator('.runs-scroller').boundingBox();
    const last = await table.locator('thead th').last().boundingBox();
    expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    // Cut-off text has a tooltip, and columns widen by dragging their edge.
    const rowA = page.locator(`[data-testid="run-row"][data-run-id="${a.id}"]`);
    expect(await rowA.locator('[title="Optimizer momentum"]').count()).toBe(1);
    const nameHeader = table.locator('thead th').nth(1);
    const before = (await nameHeader.boundingBox())!.width;
    const handle = (await page.getByTestId('resize-name').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    expect((await nameHeader.boundingBox())!.width).toBeGreaterThan(before + 60);
    await page.evaluate(() => window.localStorage.removeItem('workbench.runs.columnSizes'));
    await page.reload();
    await table.waitFor();

    // The filter compares hyperparameters: the Model column says "MLP 32".
    const filter = page.getByTestId('runs-filter');
    const shown = async (text: string) => {
      await filter.fill(text);
      return (
        await page
          .locator('[data-testid="run-row"]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))
      ).sort();
    };
    const mnistRuns = runs
      .filter((r) => r.datasetId === 'mnist')
      .map((r) => r.id)
      .sort();
    expect(await shown('hidden=32')).toEqual(mnistRuns);
    expect(await shown('32')).toEqual(mnistRuns);
    expect(await shown('hidden=16 optimizer=nesterov')).toEqual([iris.id]);
    expect(await shown('lr<0.03')).toEqual([runs.find((r) => r.name === 'ui-run-b')!.id, iris.id].sort());
    expect(await shown('l2>0.05')).toEqual([]);
    await filter.fill('');

    // Tab reaches the first row after the toolbar and one header stop, not fifteen header buttons.
    await filter.focus();
    let presses = 0;
    while (presses < 10) {
      await page.keyboard.press('Tab');
      presses += 1;
      if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'run-row')) break;
    }
    expect(presses).toBeLessThanOrEqual(4);
    const first = await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'));
    await page.keyboard.press('ArrowDown');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-run-id') ?? null);
    await expect.poll(focused).not.toBe(first);
    const second = await focused();
    expect(second).toBeTruthy();
    await page.keyboard.press(' ');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-selected'))).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.hash === `#/runs/${second}`);
    await page.getByTestId('run-status').waitFor();
  });

  it('compares runs without the metric, loss and accuracy in panels, exactly as exported', async () => {
    const runs = await api<RunTableRow[]>('runs.list', {});
    const iris = runs.find((r) => r.datasetId === 'iris')!;
    const a = runs.find((r) => r.name === 'ui-run-a')!;
    await page.goto(`${served.origin}/#/compare?ids=${a.id},${iris.id}`);
    await waitForChart();
    // Iris has no validation split: it says so in the legend and does not stretch x to its 25 epochs.
    const irisEntry = page.locator(`[data-testid="legend-item"][data-run-id="${iris.id}"]`);
    expect(await irisEntry.getByTestId('legend-missing').innerText()).toBe(
      'nothing to show: no validation loss (no validation split)',
    );
    expect((await plotLayout('compare-chart')).xaxis?.range).toEqual([1, 8]);
    const svg = (await downloadText('export-svg')).bytes.toString('utf8');
    expect(svgTexts(svg, 'x-ticks')[0].at(-1)).toBe('8');
    // "Settings that differ": init once, each column keyed to its line.
    const differing = page.getByTestId('differing-params');
    expect(await differing.locator('tbody th', { hasText: /^init$/ }).count()).toBe(1);
    expect(await differing.getByTestId('differing-run-key').locator('svg').count()).toBe(2);

    // Loss and accuracy: two panels, each with its own axis; log loss labelled in plain numbers.
    await page.getByTestId('metric-trainLoss').check();
    await page.getByTestId('metric-trainAcc').check();
    await page.getByTestId('metric-valLoss').uncheck();
    await page.getByLabel('log', { exact: true }).check();
    await expect.poll(() => page.getByTestId('compare-chart').getAttribute('data-panels')).toBe('2');
    await waitForChart();
    const layout = await plotLayout('compare-chart');
    const exported = (await downloadText('export-svg')).bytes.toString('utf8');
    // The screen's tick labels are the export's, panel by panel, and the x range is the same.
    expect([layout.yaxis?.ticktext, layout.yaxis2?.ticktext]).toEqual(svgTexts(exported, 'y-ticks'));
    expect(layout.yaxis2?.ticktext?.every((t) => t.endsWith('%'))).toBe(true);
    expect(layout.yaxis?.ticktext?.some((t) => t.startsWith('0.'))).toBe(true);
    expect(svgTexts(exported, 'x-ticks')[0]).toEqual(layout.xaxis?.ticktext);
    // Plotly's toolbar offers no upload and no second PNG export.
    const titles = await page
      .locator('.modebar-btn')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-title') ?? ''));
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.filter((t) => /share|cloud|png|download|json/i.test(t))).toEqual([]);

    // The settings survive leaving Compare, and are in the URL.
    expect(new URL(page.url()).hash).toMatch(/metrics=trainLoss%2CtrainAcc.*y=log/);
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await page.getByTestId('nav-compare').click();
    await waitForChart();
    expect(await page.getByTestId('metric-trainAcc').isChecked()).toBe(true);
    expect(await page.getByLabel('log', { exact: true }).isChecked()).toBe(true);
    expect(await page.locator('[data-testid="compare-select-run"]:checked').count()).toBe(2);
    // Back to the defaults for the tests after this one.
    await page.getByTestId('metric-valLoss').check();
    await page.getByTestId('metric-trainLoss').uncheck();
    await page.getByTestId('metric-trainAcc').uncheck();
    await page.getByLabel('linear', { exact: true }).check();
  });

  it('says so when the chosen metric was never logged, instead of an empty chart', async () => {
    const runs = await api<RunTableRow[]>('runs.list', {});
    const iris = runs.find((r) => r.datasetId === 'iris')!;
    // Settings named in the URL: whatever was compared last, this link shows validation loss.
    await page.goto(`${served.origin}/#/compare?ids=${iris.id}&metrics=valLoss`);
    const note = page.getByTestId('missing-metrics');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/None of the selected runs logged validation loss/);
    await page.getByTestId('metric-testAcc').check();
    await expect.poll(() => note.innerText()).toMatch(/left out of the chart/);
    await page.getByTestId('metric-testAcc').uncheck();
  });

  it('re-runs a run identically from its detail page', async () => {
    const runs = await api<RunTableRow[]>('runs.list', {});
    const original = runs.find((r) => r.name === 'ui-run-b')!;
    await page.goto(`${served.origin}/#/runs/${original.id}`);
    await page.getByTestId('rerun').click();
    await page.waitForURL((url) => url.hash.startsWith('#/runs/') && !url.hash.includes(original.id));
    await page.locator('[data-testid="run-status"]', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
    const rerunId = decodeURIComponent(new URL(page.url()).hash.slice('#/runs/'.length));
    const [a, b] = await api<RunEpochs[]>('runs.epochs', { runIds: [original.id, rerunId] });
    // Same config, seed and data: the same curves, to the bit.
    const curve = (r: RunEpochs) => r.epochs.map(({ seconds: _seconds, ...rest }) => rest);
    expect(b.epochs).toHaveLength(6);
    expect(curve(b)).toEqual(curve(a));
    // Off its page first: an open detail view refetches its run when runs change, and a deleted run answers
    // 404, which the page-errors check below would count.
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await api('runs.delete', { runIds: [rerunId] });
  });

  it('can be driven from the keyboard', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await page.getByTestId('nav-runs').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-new');
    await page.keyboard.press('Enter');
    await page.getByTestId('preset-select').waitFor();
    const presets = page.getByTestId('preset-select');
    await presets.focus();
    const before = await presets.inputValue();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => presets.inputValue()).not.toBe(before);
    await page.getByTestId('model-summary').waitFor();
  });

  it('is readable in the dark theme', async () => {
    await page.getByTestId('theme-toggle').click();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(200);
    await screenshot('compare-dark');
    await page.getByTestId('theme-toggle').click();
  });

  it('logged no errors in the page (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('sent no request to any other host', () => {
    expect(foreignRequests).toEqual([]);
  });
});
