import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEpochs, RunTableRow } from '../../common/api/contract';
import type { RunDetail } from '../../common/run-types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace } from '../support/cli';
import { callServed, serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * Run archives through the browser UI, end to end: real Iris runs (two single runs and a two-cell grid)
 * trained by one `workbench serve`, selected and exported in its Runs view (a real download), imported
 * into a second store through its Archives view with the preview first (4 new), then again (0 new,
 * 4 identical); the runs arrive with every epoch. Then the grid, from its page, with its models: they join the
 * runs already there. Last, the archive itself served `--read-only`.
 */

const SCREENSHOTS = join(ROOT, 'out', 'e2e-screenshots');
const README_SCREENSHOTS = new Set(['archives']);
const EPOCHS = 20;

let lab: ServedWorkbench;
let laptop: ServedWorkbench;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let archivePath = '';
let runIds: string[] = [];
const consoleErrors: string[] = [];
const labSpace = tempWorkspace('workbench-archive-lab-');
const laptopSpace = tempWorkspace('workbench-archive-laptop-');

const api = callServed;

async function screenshot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  // `WORKBENCH_UPDATE_SCREENSHOTS=1` refreshes the README's pictures.
  if (process.env.WORKBENCH_UPDATE_SCREENSHOTS && README_SCREENSHOTS.has(name)) {
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(file, join(ROOT, 'docs', 'screenshots', `${name}.png`));
  }
}

/** Iris with a validation split, so the runs have every metric. */
function irisConfig(name: string, seed: number) {
  return {
    name,
    seed,
    tags: ['iris-archive'],
    dataset: { id: 'iris', split: { train: 100, validation: 25, test: 25 }, shuffleSeed: 7 },
    model: { kind: 'mlp', hiddenUnits: [8], activation: 'relu', init: 'xavier' },
    training: { optimizer: 'adam', learningRate: 0.05, batchSize: 'full', epochs: EPOCHS },
  };
}

function watch(p: Page): void {
  p.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${p.url()}: ${msg.text()}`);
  });
  p.on('pageerror', (err) => consoleErrors.push(err.message));
}

const count = async (testId: string) => Number(await page.getByTestId(testId).getAttribute('data-count'));

beforeAll(async () => {
  [lab, laptop] = await Promise.all([serveWorkbench(labSpace.db), serveWorkbench(laptopSpace.db)]);
  ({ browser, context } = await launchChromium());
  page = await context.newPage();
  watch(page);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([lab?.stop(), laptop?.stop()]);
});

describe('run archives in the browser UI', () => {
  it('trains two Iris runs and a two-cell grid on the lab store', async () => {
    await api(lab, 'runs.start', { config: irisConfig('iris-a', 1) });
    await api(lab, 'runs.start', { config: irisConfig('iris-b', 2) });
    await api(lab, 'grids.start', {
      spec: {
        name: 'iris-lr',
        base: irisConfig('iris-grid', 3),
        axes: [{ path: 'training.learningRate', values: [0.01, 0.1] }],
      },
    });
    await expect
      .poll(
        async () =>
          (await api<RunTableRow[]>(lab, 'runs.list', {})).filter((r) => r.status === 'completed').length,
        { timeout: 150_000, interval: 500 },
      )
      .toBe(4);
    runIds = (await api<RunTableRow[]>(lab, 'runs.list', {})).map((r) => r.id);
    expect(runIds).toHaveLength(4);
  });

  it('selects them in the Runs view and exports them: the download is an SQLite archive', async () => {
    await page.goto(lab.url);
    await page.getByTestId('runs-table').waitFor();
    for (const id of runIds) {
      await page.locator(`[data-testid="run-row"][data-run-id="${id}"] input[type="checkbox"]`).check();
    }
    await page.getByTestId('export-archive').click();
    const dialog = page.getByRole('dialog', { name: 'Export an archive' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('archive-export-what').innerText()).toMatch(/^4 selected runs\./);
    await page.screenshot({ path: join(SCREENSHOTS, 'archive-export.png') });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('archive-export-run').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^workbench-runs-\d{4}-\d\d-\d\d\.wbx$/);
    archivePath = join(labSpace.dir, download.suggestedFilename());
    await download.saveAs(archivePath);
    const bytes = readFileSync(archivePath);
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(await dialog.getByTestId('archive-export-result').innerText()).toMatch(
      /^Saved workbench-runs-.*\.wbx: 4 runs, 80 epochs, 1 grid \(2 cells\), [\d.]+ KB\.$/,
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('imports it into another store through the file picker, with its preview first', async () => {
    await page.goto(laptop.url);
    await page.getByTestId('nav-archives').click();
    await page.getByTestId('archives-view').waitFor();
    await page.getByTestId('archive-file').setInputFiles(archivePath);
    await page.getByTestId('archive-preview').waitFor();
    expect([
      await count('preview-new'),
      await count('preview-identical'),
      await count('preview-conflicting'),
    ]).toEqual([4, 0, 0]);
    expect(await count('preview-grids')).toBe(1);
    expect(await page.getByTestId('preview-grids').innerText()).toMatch(/1 new$/);
    const manifest = await page.getByTestId('archive-manifest').innerText();
    expect(manifest).toContain('selected 4 runs');
    expect(manifest).toMatch(/Experiment Workbench \d+\.\d+\.\d+/);
    // Nothing changed yet.
    expect(await api<RunTableRow[]>(laptop, 'runs.list', {})).toEqual([]);
    await screenshot('archives');

    await page.getByTestId('archive-import-run').click();
    expect(await page.getByTestId('archive-import-summary').innerText()).toBe(
      'Imported 4 new runs, 0 already here, 1 new grid.',
    );
  });

  it('imports the same file again: 0 new, 4 identical, nothing changes', async () => {
    await page.getByTestId('archive-file').setInputFiles(archivePath);
    await page.getByTestId('archive-preview').waitFor();
    expect([await count('preview-new'), await count('preview-identical')]).toEqual([0, 4]);
    expect(await page.getByTestId('archive-import-run').innerText()).toBe('Import (nothing new)');
    await page.getByTestId('archive-import-run').click();
    expect(await page.getByTestId('archive-import-summary').innerText()).toBe(
      'Imported 0 new runs, 4 already here, 1 grid merged into the one already here.',
    );
    expect(await api<RunTableRow[]>(laptop, 'runs.list', {})).toHaveLength(4);
  });

  it('shows the runs in the second store’s Runs view with every epoch of the first', async () => {
    await page.getByTestId('archive-show-runs').click();
    await page.getByTestId('runs-table').waitFor();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(4);
    const shown = await page
      .getByTestId('run-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
    expect([...shown].sort()).toEqual([...runIds].sort());
    const [there, here] = await Promise.all([
      api<RunEpochs[]>(lab, 'runs.epochs', { runIds }),
      api<RunEpochs[]>(laptop, 'runs.epochs', { runIds }),
    ]);
    expect(here).toEqual(there);
    expect(here.map((r) => r.epochs.length)).toEqual([EPOCHS, EPOCHS, EPOCHS, EPOCHS]);
  });

  it('exports the grid with its models from its page; importing it adds them to the runs already there', async () => {
    const gridRuns = (await api<RunTableRow[]>(lab, 'runs.list', {})).filter((r) => r.gridId !== null);
    const models = async (served: ServedWorkbench) =>
      (await api<RunDetail[]>(served, 'runs.details', { runIds: gridRuns.map((r) => r.id) })).map((r) => ({
        id: r.id,
        checkpoints: r.checkpoints,
      }));
    const atHome = await models(lab);
    const kept = atHome.reduce((n, r) => n + r.checkpoints.length, 0);
    expect(kept).toBeGreaterThan(0);
    expect((await models(laptop)).every((r) => r.checkpoints.length === 0)).toBe(true);

    await page.goto(lab.url);
    await page.getByTestId('nav-grids').click();
    await page.getByTestId('grids-table').waitFor();
    await page.locator('[data-testid="grid-row"] a').first().click();
    await page.getByTestId('export-grid-archive').click();
    const dialog = page.getByRole('dialog', { name: 'Export an archive' });
    await dialog.waitFor();
    const checkpoints = `${kept} checkpoint${kept === 1 ? '' : 's'}`;
    await expect
      .poll(() => dialog.getByTestId('archive-models-size').innerText())
      .toMatch(new RegExp(`^: ${checkpoints}, [\\d.]+ (B|KB|MB)$`));
    await dialog.getByTestId('archive-with-models').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('archive-export-run').click(),
    ]);
    const withModels = join(labSpace.dir, `with-models-${download.suggestedFilename()}`);
    await download.saveAs(withModels);
    expect(await dialog.getByTestId('archive-export-result').innerText()).toContain(
      `2 runs, ${2 * EPOCHS} epochs, ${checkpoints}, 1 grid`,
    );

    await page.goto(laptop.url);
    await page.getByTestId('nav-archives').click();
    await page.getByTestId('archive-file').setInputFiles(withModels);
    await page.getByTestId('archive-preview').waitFor();
    expect([await count('preview-new'), await count('preview-identical')]).toEqual([0, 2]);
    expect(await page.getByTestId('archive-models').innerText()).toMatch(
      new RegExp(`^${checkpoints}, [\\d.]+ (B|KB|MB) \\(${kept} new here\\)$`),
    );
    expect(await page.getByTestId('archive-import-run').innerText()).toBe(`Import ${checkpoints}`);
    await page.getByTestId('archive-import-run').click();
    expect(await page.getByTestId('archive-import-summary').innerText()).toMatch(
      new RegExp(`, ${checkpoints} \\([\\d.]+ (B|KB|MB)\\) added\\.$`),
    );
    expect(await models(laptop)).toEqual(atHome);
  });

  it('serves the archive read-only: a banner, no New run, no Delete, a preview that cannot import', async () => {
    const archive = await serveWorkbench(archivePath, ['--read-only']);
    try {
      const readOnly = await context.newPage();
      watch(readOnly);
      await readOnly.goto(archive.url);
      const banner = readOnly.getByTestId('read-only-banner');
      await banner.waitFor();
      expect(await banner.innerText()).toContain(`Read-only: ${archivePath}`);
      expect(await readOnly.getByTestId('nav-new').count()).toBe(0);
      await readOnly.getByTestId('runs-table').waitFor();
      await expect.poll(() => readOnly.getByTestId('run-row').count()).toBe(4);
      await readOnly
        .locator(`[data-testid="run-row"][data-run-id="${runIds[0]}"] input[type="checkbox"]`)
        .check();
      expect(await readOnly.getByTestId('delete-selected').isVisible()).toBe(false);
      expect(await readOnly.getByTestId('export-archive').isEnabled()).toBe(true);
      await readOnly.getByTestId('nav-grids').click();
      await readOnly.getByTestId('grids-table').waitFor();
      expect(await readOnly.getByTestId('new-grid').count()).toBe(0);
      await readOnly.getByTestId('nav-archives').click();
      await readOnly.getByTestId('archive-file').setInputFiles(archivePath);
      await readOnly.getByTestId('archive-preview').waitFor();
      expect(await readOnly.getByTestId('archive-import-run').isDisabled()).toBe(true);
      await readOnly.getByTestId('archive-import-read-only').waitFor();
      await readOnly.screenshot({ path: join(SCREENSHOTS, 'archives-read-only.png') });
      await readOnly.close();
    } finally {
      await archive.stop();
    }
  });

  it('logged no errors in the pages (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
