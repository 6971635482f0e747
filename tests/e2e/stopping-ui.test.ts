import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethodName, RunEpochs, RunTableRow } from '../../common/api/contract';
import type { RunDetail } from '../../common/run-types';
import { evaluateStopping } from '../../common/stopping/evaluate';
import { findOverfittingOnset } from '../../common/stopping/onset';
import { bestValue } from '../../common/stopping/outcome';
import { parseRuleSpec } from '../../common/stopping/rule-text';
import type { EpochMetrics } from '../../common/types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * The Early stopping panel and the across-runs chart in Debian's Chromium against `workbench serve` on a
 * temporary SQLite file, with real training: Iris runs that overfit (and one stopped live by its rule), at
 * three values of λ. What the page shows is checked against the analysis of the epochs the API returns.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');

let served: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const workspace = tempWorkspace('workbench-stopping-ui-');

const api = <T>(method: ApiMethodName, params: unknown): Promise<T> => callServed<T>(served, method, params);

/** Iris 45 / 45 / 45 with an MLP that overfits it within 150 epochs. */
function irisConfig(name: string, l2: number, earlyStopping?: object) {
  return {
    name,
    seed: 1,
    dataset: {
      id: 'iris',
      split: { train: 45, validation: 45, test: 45 },
      shuffleSeed: 7,
      normalization: 'standardize',
    },
    model: { kind: 'mlp', hiddenUnits: [64], activation: 'relu' },
    training: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 15,
      epochs: 150,
      ...(earlyStopping ? { earlyStopping } : {}),
    },
    regularization: { l2 },
  };
}

async function epochsOf(runId: string): Promise<EpochMetrics[]> {
  const [result] = await api<RunEpochs[]>('runs.epochs', { runIds: [runId] });
  return result.epochs;
}

async function downloaded(testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

async function screenshot(name: string, testId: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.getByTestId(testId).screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const ids: Record<'full' | 'stopped' | 'l2small' | 'l2large', string> = {
  full: '',
  stopped: '',
  l2small: '',
  l2large: '',
};

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  const start = async (config: object) => (await api<{ runId: string }>('runs.start', { config })).runId;
  ids.full = await start(irisConfig('iris-full', 0));
  ids.stopped = await start(irisConfig('iris-es', 0, { rule: 'patience', monitor: 'valLoss', patience: 10 }));
  ids.l2small = await start(irisConfig('iris-l2-small', 0.003));
  ids.l2large = await start(irisConfig('iris-l2-large', 0.03));
  const deadline = Date.now() + 240_000;
  for (;;) {
    const runs = await api<RunTableRow[]>('runs.list', {});
    if (runs.filter((r) => r.status === 'completed').length === 4) break;
    if (runs.some((r) => r.status !== 'completed' && r.status !== 'running' && r.status !== 'queued'))
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

describe('Early stopping panel', () => {
  it('marks the best epoch, the onset and the stop of the chosen rule on the curves', async () => {
    const epochs = await epochsOf(ids.full);
    const rule = parseRuleSpec('patience:10');
    const expected = {
      best: bestValue(epochs, 'valLoss')!.epoch,
      onset: findOverfittingOnset(epochs).epoch!,
      stop: evaluateStopping(epochs, rule).stopEpoch!,
    };
    await page.goto(`${served.origin}/#/runs/${ids.full}`);
    const summary = page.getByTestId('stopping-summary');
    await summary.waitFor();
    expect(await summary.getAttribute('data-best-epoch')).toBe(String(expected.best));
    expect(await summary.getAttribute('data-onset-epoch')).toBe(String(expected.onset));
    expect(await summary.getAttribute('data-stop-epoch')).toBe(String(expected.stop));
    expect(await page.getByTestId('stopping-reason').innerText()).toContain(
      `stops after epoch ${expected.stop}`,
    );
    // Plotly drew a labelled line at each of them.
    const curves = page.getByTestId('stopping-curves');
    await expect
      .poll(() => curves.locator('.annotation-text').allTextContents(), { timeout: 30_000 })
      .toEqual([`best ${expected.best}`, `onset ${expected.onset}`, `stop ${expected.stop}`]);
    expect(await curves.locator('.shapelayer path').count()).toBe(3);
    await page.getByTestId('gap-chart').locator('.scatterlayer .trace').first().waitFor();
    // A few per cent of rise after a tenfold fall shows on a log axis.
    await page.getByTestId('stopping-log-y').check();
    await expect
      .poll(() =>
        curves
          .locator('.js-plotly-plot')
          .evaluate((el) => (el as unknown as { layout: { yaxis: { type: string } } }).layout.yaxis.type),
      )
      .toBe('log');
    await page.getByTestId('stopping-log-y').uncheck();
    await screenshot('stopping-panel', 'stopping-panel');
  });

  it('the what-if table says what patience 5 would have saved and cost', async () => {
    const epochs = await epochsOf(ids.full);
    const five = evaluateStopping(epochs, parseRuleSpec('patience:5'));
    const row = page.locator('[data-testid="what-if-row"][data-rule="patience:5"]');
    expect(await row.locator('[data-col="stop"]').innerText()).toBe(String(five.stopEpoch));
    expect(await row.locator('[data-col="kept"]').innerText()).toBe(String(five.restoredEpoch));
    expect(await row.locator('[data-col="saved"]').innerText()).toBe(String(150 - five.stopEpoch!));
    const kept = epochs[five.restoredEpoch! - 1].testAcc!;
    const bestTest = Math.max(...epochs.map((e) => e.testAcc!));
    expect(await row.locator('[data-col="test-acc"]').innerText()).toBe(`${(kept * 100).toFixed(2)}%`);
    expect(await row.locator('[data-col="regret"]').innerText()).toBe(
      `${((bestTest - kept) * 100).toFixed(2)} pts`,
    );
    // Patience 1…20, GL, PQ and UP settings; the chosen rule's row is marked.
    expect(await page.getByTestId('what-if-row').count()).toBe(30);
    expect(
      await page.locator('[data-testid="what-if-row"][aria-current="true"]').getAttribute('data-rule'),
    ).toBe('patience:10');
    await page.getByTestId('patience-chart').locator('.scatterlayer .trace').nth(1).waitFor();
  });

  it('replays another rule when it is chosen, and says what is wrong with a bad value', async () => {
    const epochs = await epochsOf(ids.full);
    const gl = evaluateStopping(epochs, parseRuleSpec('gl:5'));
    await page.getByTestId('rule-kind').selectOption('gl');
    const summary = page.getByTestId('stopping-summary');
    await expect.poll(() => summary.getAttribute('data-stop-epoch')).toBe(String(gl.stopEpoch));
    await page.getByTestId('rule-value').fill('-1');
    expect(await page.locator('.stopping-controls .field-error').innerText()).toMatch(
      /α \(%\): expected α in percent/,
    );
    // The last valid rule stays in force.
    expect(await summary.getAttribute('data-stop-epoch')).toBe(String(gl.stopEpoch));
  });

  it('a run its own rule stopped says so, and the panel starts on that rule and agrees', async () => {
    const run = await api<RunDetail>('runs.get', { runId: ids.stopped });
    const record = run.earlyStop!;
    expect(run.status).toBe('completed');
    await page.goto(`${served.origin}/#/runs/${ids.stopped}`);
    const badge = page.getByTestId('early-stop-badge');
    await badge.waitFor();
    expect(await badge.innerText()).toBe(
      `stopped early after epoch ${record.stopEpoch} (patience:10 on valLoss (min))`,
    );
    expect(await page.getByTestId('live-early-stop').innerText()).toContain(record.reason);
    const summary = page.getByTestId('stopping-summary');
    expect(await summary.getAttribute('data-stop-epoch')).toBe(String(record.stopEpoch));
    expect(await summary.getAttribute('data-restored-epoch')).toBe(String(record.restoredEpoch));
    // The full twin's panel (same default rule) stops at the same epoch.
    const twin = evaluateStopping(await epochsOf(ids.full), parseRuleSpec('patience:10'));
    expect(twin.stopEpoch).toBe(record.stopEpoch);
  });
});

describe('Early stopping across runs (Compare)', () => {
  it('plots best epoch, onset and stop against λ, with a row per run', async () => {
    const chosen = [ids.full, ids.l2small, ids.l2large];
    await page.goto(`${served.origin}/#/compare?ids=${chosen.join(',')}`);
    await page.getByTestId('compare-tab-stopping').click();
    const chart = page.getByTestId('stopping-chart');
    await chart.waitFor();
    expect(await chart.getAttribute('data-axis')).toBe('regularization.l2');
    expect(await chart.getAttribute('data-points')).toBe('3');
    await expect.poll(() => chart.locator('.scatterlayer .trace').count(), { timeout: 30_000 }).toBe(3);
    expect(await chart.locator('.scatterlayer .trace').first().locator('.point').count()).toBe(3);
    const rule = parseRuleSpec('patience:10');
    for (const runId of chosen) {
      const epochs = await epochsOf(runId);
      const row = page.locator(`[data-testid="stopping-row"][data-run-id="${runId}"]`);
      expect(await row.locator('[data-col="best"]').innerText()).toBe(
        String(bestValue(epochs, 'valLoss')!.epoch),
      );
      expect(await row.locator('[data-col="stop"]').innerText()).toBe(
        String(evaluateStopping(epochs, rule).stopEpoch ?? 'never'),
      );
    }
    await screenshot('stopping-across', 'stopping-across');
  });

  it('exports the chart as SVG and PNG and its rows as CSV', async () => {
    const svg = await downloaded('stopping-export-svg');
    expect(svg.name).toBe('stopping-vs-regularization.l2.svg');
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain('best epoch, overfitting onset and stop epoch (rule) against λ (L2)');
    expect(text.match(/<circle [^>]*r="3.5"/g)?.length).toBeGreaterThanOrEqual(6);

    const png = await downloaded('stopping-export-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    const csv = await downloaded('stopping-export-csv');
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8')) as string[][];
    expect(header[0]).toBe('regularization.l2');
    expect(header).toContain('best_epoch');
    expect(rows.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([0, 0.003, 0.03]);
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
