import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethodName, ApiResponse } from '../../common/api/contract';
import type { RunEpochs, RunTableRow } from '../../common/api/contract';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { serveWorkbench, type ServedWorkbench } from '../support/serve';

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
const workspace = tempWorkspace('workbench-ui-');

async function api<T>(method: ApiMethodName, params: unknown): Promise<T> {
  const response = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': served.token },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as ApiResponse;
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

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
    await screenshot('run-detail');
  });

  it('cancels a long run from its detail page', async () => {
    await fillNewRun(smallMnistMlp({ name: 'ui-run-cancel', epochs: 500 }));
    await page.getByTestId('start-run').click();
    await page.getByTestId('epoch-progress').waitFor();
    await page.locator('[data-testid="epoch-row"]').first().waitFor({ timeout: 60_000 });
    const detailUrl = page.url();

    // A second run trains beside it (one worker per core); the Runs view shows both live.
    const second = await api<{ runId: string }>('runs.start', {
      config: smallMnistMlp({ name: 'ui-run-parallel', epochs: 500 }),
    });
    await page.getByTestId('nav-runs').click();
    await expect
      .poll(() => page.locator('[data-testid="run-row"][data-status="running"]').count(), { timeout: 60_000 })
      .toBe(2);
    await api('runs.cancel', { runId: second.runId });
    await page
      .locator(`[data-testid="run-row"][data-run-id="${second.runId}"][data-status="cancelled"]`)
      .waitFor({ timeout: 60_000 });

    await page.goto(detailUrl);
    await page.getByTestId('cancel-run').click();
    await page.locator('[data-testid="run-status"]', { hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    const runs = await api<RunTableRow[]>('runs.list', {});
    const cancelled = runs.find((r) => r.name === 'ui-run-cancel');
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.epochs).toBeGreaterThanOrEqual(1);
    await api('runs.delete', { runIds: [second.runId] });
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

  it('says so when the chosen metric was never logged, instead of an empty chart', async () => {
    const runs = await api<RunTableRow[]>('runs.list', {});
    const iris = runs.find((r) => r.datasetId === 'iris')!;
    await page.goto(`${served.origin}/#/compare?ids=${iris.id}`);
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
});
