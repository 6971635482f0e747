import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethodName, RunTableRow } from '../../common/api/contract';
import type { RunDetail } from '../../common/run-types';
import type { EpochMetrics } from '../../common/types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * "Fork from here", Extend and the lineage links, in Debian's Chromium against `workbench serve` on a
 * temporary SQLite file, with small MNIST runs trained for real: a fork started from the page with nothing
 * changed repeats its parent's later epochs exactly, a shape-changing edit is refused at its field, a
 * completed run is extended in place, and parent and fork link to each other.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');

let served: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const workspace = tempWorkspace('workbench-fork-ui-');
let baseId = '';
let forkId = '';

const api = <T>(method: ApiMethodName, params: unknown): Promise<T> => callServed<T>(served, method, params);

async function epochsOf(runId: string): Promise<EpochMetrics[]> {
  const [run] = await api<{ runId: string; epochs: EpochMetrics[] }[]>('runs.epochs', { runIds: [runId] });
  return run.epochs;
}

async function waitForStatus(runId: string, status: string, epochs: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const run = await api<RunDetail>('runs.get', { runId });
    if (run.status === status && run.epochs === epochs) return;
    if (!['completed', 'running', 'queued'].includes(run.status))
      throw new Error(`run ${runId} ended ${run.status}: ${run.error}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run.status} after 180 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Metrics without the wall-clock seconds: what must repeat exactly. */
const numbers = (epochs: EpochMetrics[]) => epochs.map(({ seconds: _seconds, ...rest }) => rest);

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  // The tokened URL first: the page keeps the token for the hash routes visited after it.
  await page.goto(served.url);
  // Every second epoch kept with its training state, so the fork starts in the middle of the run.
  const config = { ...smallMnistMlp({ name: 'mnist base', epochs: 4 }), checkpoints: { every: 2 } };
  baseId = (await api<{ runId: string }>('runs.start', { config })).runId;
  await waitForStatus(baseId, 'completed', 4);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('Fork from here (browser)', () => {
  it('offers a fork at every kept epoch: epochs table, checkpoints panel and a click on the curve', async () => {
    await page.goto(`${served.origin}/#/runs/${baseId}`);
    const links = page.getByTestId('fork-from-epoch');
    await expect.poll(() => links.count(), { timeout: 30_000 }).toBe(2);
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      `#/new?forkOf=${baseId}&epoch=2`,
      `#/new?forkOf=${baseId}&epoch=4`,
    ]);
    expect(await page.getByTestId('checkpoint-row').count()).toBe(2);

    // A real click on the loss chart at epoch 2, where the kept checkpoint's marker is.
    const chart = page.locator('.run-chart').first();
    await chart.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => document.querySelector('.run-chart')?.getAttribute('data-draw-ms') != null,
    );
    const point = await chart.evaluate((el) => {
      const plot = el.querySelector('.js-plotly-plot') as unknown as {
        getBoundingClientRect: () => DOMRect;
        _fullLayout: {
          xaxis: { _offset: number; l2p: (v: number) => number };
          yaxis: { _offset: number; l2p: (v: number) => number };
        };
        _fullData: { name: string; x: number[]; y: number[] }[];
      };
      const kept = plot._fullData.find((t) => t.name === 'kept checkpoint')!;
      const rect = plot.getBoundingClientRect();
      const { xaxis, yaxis } = plot._fullLayout;
      return {
        x: rect.left + xaxis._offset + xaxis.l2p(kept.x[0]),
        y: rect.top + yaxis._offset + yaxis.l2p(kept.y[0]),
      };
    });
    await page.mouse.move(point.x, point.y);
    await page.mouse.click(point.x, point.y);
    const picked = page.getByTestId('fork-picked');
    await picked.waitFor({ timeout: 10_000 });
    expect(await picked.textContent()).toBe('Fork from epoch 2');
  });

  it('starts an unchanged fork from the page, and it repeats the parent’s epochs 3–4 exactly', async () => {
    await page.getByTestId('fork-picked').click();
    const banner = page.getByTestId('fork-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('fork-epoch').textContent()).toBe('2');
    expect(await banner.textContent()).toContain('numbered 3–4');

    // A change of architecture is refused at its field, before anything is sent.
    const hidden = page.getByLabel('Hidden units');
    await hidden.fill('64');
    await expect
      .poll(() => page.getByTestId('check-status').textContent(), { timeout: 20_000 })
      .toBe('1 problem to fix before starting.');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);
    expect(await page.locator('.new-run-view').textContent()).toContain('model.hiddenUnits cannot change');
    await hidden.fill('32');
    // So is a dataset of another shape (Iris: 4 features, 3 classes), named before anything is sent.
    const dataset = page.getByRole('combobox', { name: 'Dataset', exact: true });
    await dataset.selectOption('iris');
    await expect
      .poll(() => page.locator('.new-run-view').textContent(), { timeout: 20_000 })
      .toContain('gives it other tensors than "mnist" did');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);
    await dataset.selectOption('mnist');

    const start = page.getByTestId('start-run');
    await expect.poll(() => start.isEnabled(), { timeout: 20_000 }).toBe(true);
    expect(await start.textContent()).toBe('Start fork');
    await start.click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/, { timeout: 20_000 });
    forkId = decodeURIComponent(page.url().split('#/runs/')[1]);
    expect(forkId).not.toBe(baseId);
    await waitForStatus(forkId, 'completed', 2);

    const fork = await api<RunDetail>('runs.get', { runId: forkId });
    expect(fork.parent).toEqual({ runId: baseId, epoch: 2 });
    const forkEpochs = await epochsOf(forkId);
    expect(forkEpochs.map((e) => e.epoch)).toEqual([3, 4]);
    const baseEpochs = await epochsOf(baseId);
    expect(numbers(forkEpochs)).toEqual(numbers(baseEpochs.slice(2)));
  });

  it('links the fork and its parent both ways, draws the parent’s curve up to the fork point', async () => {
    const parent = page.getByTestId('lineage-parent');
    await expect
      .poll(() => parent.textContent(), { timeout: 20_000 })
      .toContain('Forked from mnist base at its epoch 2');
    await expect
      .poll(() => page.getByTestId('epochs-done').textContent())
      .toBe('4/4 epochs (from 3, forked)');
    await page.waitForFunction(
      () => document.querySelector('.run-chart')?.getAttribute('data-draw-ms') != null,
    );
    const traces = await page
      .locator('.run-chart .js-plotly-plot')
      .first()
      .evaluate((el) =>
        (el as unknown as { _fullData: { name: string; x: number[] }[] })._fullData.map((t) => [
          t.name,
          [...t.x],
        ]),
      );
    expect(traces).toContainEqual(['train (parent)', [1, 2]]);
    // The fork's own curve begins at the fork point, where its starting state was measured.
    expect(traces).toContainEqual(['train', [2, 3, 4]]);

    await page.getByTestId('lineage').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, 'fork.png');
    await page.screenshot({ path: file });
    if (process.env.WORKBENCH_UPDATE_SCREENSHOTS)
      copyFileSync(file, join(ROOT, 'docs', 'screenshots', 'fork.png'));

    await parent.locator('a').first().click();
    const children = page.getByTestId('lineage-children');
    await children.waitFor({ timeout: 20_000 });
    expect(await children.textContent()).toContain('mnist base · fork @2 from epoch 2');
    await page.getByTestId('children-filter').click();
    await expect
      .poll(() =>
        page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))),
      )
      .toEqual([forkId]);
    expect(await page.getByLabel('Filter').inputValue()).toBe(`parent:${baseId.slice(0, 8)}`);
  });

  it('extends the completed parent in place from the page: epochs 5–6 appended, none twice', async () => {
    await page.goto(`${served.origin}/#/runs/${baseId}`);
    await page.getByTestId('extend-run').click();
    await page.getByTestId('extend-epochs').fill('6');
    await page.getByRole('button', { name: 'Extend', exact: true }).click();
    // Six rows first: the status read "completed" before the click too.
    await expect.poll(() => page.getByTestId('epoch-row').count(), { timeout: 120_000 }).toBe(6);
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toBe('completed');
    const epochs = await epochsOf(baseId);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    const run = await api<RunDetail>('runs.get', { runId: baseId });
    expect(run.resumes.map((r) => [r.fromEpoch, r.epochs])).toEqual([[4, 6]]);
    expect(await page.getByTestId('resumes').textContent()).toContain('from epoch 4 to 6');
    const rows = await api<RunTableRow[]>('runs.list', {});
    expect(rows).toHaveLength(2);
    expect(consoleErrors).toEqual([]);
  });
});
