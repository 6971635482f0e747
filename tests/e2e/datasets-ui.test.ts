import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetInfo } from '../../common/types';
import type { RunDetail } from '../../common/run-types';
import { encodeNpz } from '../../main/datasets/testing/npz-writer';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * The Datasets view in Debian's Chromium against `workbench serve` on a temporary SQLite file: a
 * notMNIST-style .npz (10 letters, 28 × 28 grey levels) previewed with its class counts and sample grid
 * before anything is stored, imported under a name, trained on from New run, then deleted with the run that
 * used it named; a malformed file and a ragged CSV are refused with their problem, nothing stored.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');
let served: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const workspace = tempWorkspace('workbench-datasets-ui-');
const errors: string[] = [];

/** 200 images of 10 classes ("A"…"J"), each class a bright square at a place of its own. */
function letters(): string {
  const n = 200;
  const x = new Uint8Array(n * 28 * 28);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const label = i % 10;
    y[i] = label;
    for (let r = 0; r < 6; r += 1)
      for (let c = 0; c < 6; c += 1) x[i * 784 + (2 + label * 2 + r) * 28 + 4 + c + (i % 7)] = 200 + (i % 50);
  }
  const file = join(workspace.dir, 'notMNIST_small.npz');
  writeFileSync(
    file,
    encodeNpz({
      images: { descr: '|u1', shape: [n, 28, 28], data: x },
      labels: { descr: '|u1', shape: [n], data: y },
    }),
  );
  return file;
}

const api = <T>(method: Parameters<typeof callServed>[1], params: unknown) =>
  callServed<T>(served, method, params);

beforeAll(async () => {
  served = await serveWorkbench(workspace.db);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(served.url);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('Datasets view (browser)', () => {
  it('previews a notMNIST-style npz before storing anything, then imports it under a name', async () => {
    await page.goto(`${served.origin}/#/datasets`);
    await page.getByTestId('datasets-table').waitFor({ timeout: 30_000 });
    const before = await api<DatasetInfo[]>('datasets.list', {});
    await page.getByTestId('dataset-file').setInputFiles(letters());
    await page.getByTestId('dataset-preview').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('preview-examples').textContent()).toBe('200');
    expect(await page.getByTestId('preview-shape').textContent()).toBe('[28, 28, 1]');
    expect(await page.getByTestId('preview-classes').textContent()).toBe('10');
    expect(await page.getByTestId('preview-values').textContent()).toBe('uint8, from 0 to 249');
    expect(await page.getByTestId('preview-class-counts').locator('td').allTextContents()).toEqual([
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      ...Array.from({ length: 10 }, () => '20'),
    ]);
    // Eight samples of each class, drawn from the file's own pixels.
    expect(await page.getByTestId('dataset-sample').count()).toBe(80);
    const lit = await page
      .getByTestId('dataset-sample')
      .first()
      .evaluate((c) => {
        const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
        let bright = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] > 128) bright += 1;
        return bright;
      });
    expect(lit).toBe(36);
    // Nothing stored yet.
    expect(await api<DatasetInfo[]>('datasets.list', {})).toEqual(before);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.getByTestId('dataset-import').screenshot({ path: join(SCREENSHOTS, 'datasets.png') });
    if (process.env.WORKBENCH_UPDATE_SCREENSHOTS)
      copyFileSync(join(SCREENSHOTS, 'datasets.png'), join(ROOT, 'docs', 'screenshots', 'datasets.png'));

    await page.getByTestId('dataset-name').fill('notMNIST small');
    await page.getByTestId('dataset-import-button').click();
    await page.getByTestId('dataset-imported').waitFor({ timeout: 30_000 });
    const row = page.locator('[data-testid="dataset-row"][data-dataset-id="notmnist-small"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('imported');
    const stored = (await api<DatasetInfo[]>('datasets.list', {})).find((d) => d.id === 'notmnist-small')!;
    expect(stored).toMatchObject({ source: 'imported', classes: 10, examples: 200, shape: [28, 28, 1] });
    expect(stored.description).toBe('Imported from notMNIST_small.npz (npz)');
  });

  it('trains on it from New run, then deletes it naming the run that used it', async () => {
    await page.goto(`${served.origin}/#/new`);
    const dataset = page.getByLabel('Dataset', { exact: true });
    await dataset.waitFor({ timeout: 30_000 });
    expect(await dataset.locator('option[value="notmnist-small"]').textContent()).toBe(
      'notMNIST small (notmnist-small, 10 classes, imported)',
    );
    await dataset.selectOption('notmnist-small');
    const json = page.getByTestId('config-json');
    const config = JSON.parse(await json.inputValue()) as Record<string, unknown> & {
      dataset: Record<string, unknown>;
      training: Record<string, unknown>;
      model: Record<string, unknown>;
    };
    config.name = 'letters';
    config.dataset = { ...config.dataset, split: { train: 150, validation: 25, test: 25 } };
    config.model = { kind: 'mlp', hiddenUnits: [16], activation: 'relu', init: 'xavier' };
    config.training = { ...config.training, epochs: 2, batchSize: 50 };
    await json.fill(JSON.stringify(config, null, 2));
    const start = page.getByTestId('start-run');
    await expect.poll(() => start.isEnabled(), { timeout: 20_000 }).toBe(true);
    // What the dataset looks like, one example a class, beside its facts.
    await expect
      .poll(() => page.getByTestId('class-thumbnails').getByTestId('dataset-sample').count(), {
        timeout: 20_000,
      })
      .toBe(10);
    expect(await page.getByTestId('dataset-info').textContent()).toContain('notmnist-small');
    await start.click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/, { timeout: 20_000 });
    const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
    await expect
      .poll(async () => (await api<RunDetail>('runs.get', { runId })).status, { timeout: 120_000 })
      .toBe('completed');

    await page.goto(`${served.origin}/#/datasets`);
    const row = page.locator('[data-testid="dataset-row"][data-dataset-id="notmnist-small"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('dataset-runs').textContent()).toBe('1');
    expect(await page.locator('[data-dataset-id="mnist"]').getByTestId('dataset-delete').count()).toBe(0);
    // A built-in dataset shows what it holds too.
    await page.locator('[data-dataset-id="iris"]').getByTestId('dataset-show').click();
    const shown = page.getByTestId('dataset-shown');
    await shown.getByTestId('dataset-rows').waitFor({ timeout: 20_000 });
    expect(await shown.getByTestId('preview-examples').textContent()).toBe('150');
    expect(await shown.getByTestId('preview-class-counts').locator('td').allTextContents()).toContain('50');
    await row.getByTestId('dataset-delete').click();
    expect(await row.getByTestId('dataset-delete-confirm').textContent()).toContain(
      '1 run used it: letters.',
    );
    await row.getByTestId('dataset-delete-yes').click();
    await page.getByTestId('dataset-deleted').waitFor();
    expect(await page.getByTestId('dataset-deleted').textContent()).toBe(
      'Deleted notMNIST small. The run that used it stays; re-running it is refused.',
    );
    expect((await api<DatasetInfo[]>('datasets.list', {})).some((d) => d.id === 'notmnist-small')).toBe(
      false,
    );
    // The run stays; re-running it is refused with the reason.
    expect((await api<RunDetail>('runs.get', { runId })).status).toBe('completed');
    await expect(api('runs.rerun', { runId })).rejects.toThrow(
      /unknown dataset "notmnist-small": it is not in this store \(deleted, or imported into another\)/,
    );
  });

  it('refuses a file that is not what its name says, and a ragged CSV, naming the problem; nothing stored', async () => {
    await page.goto(`${served.origin}/#/datasets`);
    await page.getByTestId('datasets-table').waitFor();
    const before = await api<DatasetInfo[]>('datasets.list', {});
    const fake = join(workspace.dir, 'fake.npz');
    writeFileSync(fake, 'this is not a zip archive at all');
    await page.getByTestId('dataset-file').setInputFiles(fake);
    const problems = page.getByTestId('dataset-problems');
    await problems.waitFor({ timeout: 20_000 });
    expect(await problems.textContent()).toMatch(/^fake\.npz: /);
    expect(await page.getByTestId('dataset-import-button').isDisabled()).toBe(true);

    const ragged = join(workspace.dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b,label\n1,2,0\n3,1\n5,6,1\n');
    await page.getByTestId('dataset-file').setInputFiles(ragged);
    await expect.poll(() => problems.textContent(), { timeout: 20_000 }).toMatch(/^ragged\.csv: .*row 3/);
    expect(await api<DatasetInfo[]>('datasets.list', {})).toEqual(before);
    expect(errors).toEqual([]);
  });
});
