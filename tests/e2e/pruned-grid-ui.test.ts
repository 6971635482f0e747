import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GridDetail } from '../../common/grid/types';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace, workbench } from '../support/cli';
import { serveWorkbench } from '../support/serve';

/**
 * A pruned grid as a user makes one in the browser against `workbench serve`: the New grid view's Pruning
 * fields (a bad r flagged next to its field), the grid trained by the server with successive halving on
 * Iris, and then its views: the results table naming each cell's rung, the heat map marking pruned cells,
 * parameter importance computed at the first rung, and the live Pruning section with its rungs and the
 * epochs saved, each checked against `workbench grid show --json` on the same SQLite file.
 */

const EPOCHS = 9;

describe('a pruned grid in the browser UI', () => {
  it('is defined with its pruning in the New grid view, and its views show the rungs the store holds', async () => {
    const ws = tempWorkspace('workbench-pruned-ui-');
    const served = await serveWorkbench(ws.db);
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.goto(`${served.origin}/#/grids/new`);
      await page.getByTestId('grid-preset-select').selectOption('e7-grid-optimizer');
      await page.getByTestId('grid-name').fill('iris-pruned');
      const first = page.getByTestId('axis-editor').nth(0);
      await first.getByTestId('axis-path').selectOption('training.learningRate');
      await first.getByTestId('axis-mode-list').check();
      await first.getByTestId('axis-values').fill('0.02, 0.1, 0.3');
      await page.getByTestId('add-axis').click();
      const second = page.getByTestId('axis-editor').nth(1);
      await second.getByTestId('axis-path').selectOption('model.hiddenUnits');
      await second.getByTestId('axis-values').fill('4; 16');
      await page.getByTestId('grid-epochs').fill(String(EPOCHS));

      // Successive halving with r = R: the server's check names the field, and Start waits.
      await page.getByTestId('grid-pruning-kind').selectOption('successive-halving');
      await page.getByTestId('grid-pruning-min-epochs').fill(String(EPOCHS));
      const minError = page.locator('[data-testid="field-error"][data-path="pruning.minEpochs"]');
      await minError.waitFor({ timeout: 20_000 });
      expect(await minError.innerText()).toMatch(/is not below the grid's full 9 epochs/);
      expect(await page.getByTestId('start-grid').isDisabled()).toBe(true);
      await page.getByTestId('grid-pruning-min-epochs').fill('1');
      await page.getByTestId('grid-pruning-eta').fill('3');
      await minError.waitFor({ state: 'detached', timeout: 20_000 });
      // The Iris preset has no validation split: ranking by validation loss is refused, with the way out.
      const monitorError = page.locator('[data-testid="field-error"][data-path="pruning.monitor"]');
      await monitorError.waitFor({ timeout: 20_000 });
      expect(await monitorError.innerText()).toMatch(/valLoss \(validation loss\) needs a validation split/);
      await page.getByTestId('grid-pruning-monitor').selectOption('trainLoss');
      await monitorError.waitFor({ state: 'detached', timeout: 20_000 });
      await expect.poll(() => page.getByTestId('start-grid').isEnabled(), { timeout: 20_000 }).toBe(true);
      const spec = JSON.parse(await page.getByTestId('grid-spec-json').inputValue()) as { pruning: unknown };
      expect(spec.pruning).toEqual({
        kind: 'successive-halving',
        monitor: 'trainLoss',
        minEpochs: 1,
        reductionFactor: 3,
      });

      await page.getByTestId('start-grid').click();
      await page.waitForURL((url) => url.hash.startsWith('#/grids/') && url.hash !== '#/grids/new');
      const gridId = decodeURIComponent(new URL(page.url()).hash.slice('#/grids/'.length));
      // The page follows the grid to its end: its status reads completed.
      await page
        .locator('[data-testid="grid-status"]', { hasText: 'completed' })
        .waitFor({ timeout: 180_000 });

      const shown = workbench(['--db', ws.db, 'grid', 'show', gridId, '--json']);
      expect(shown.status, shown.stderr).toBe(0);
      const grid = JSON.parse(shown.stdout) as Pick<GridDetail, 'pruning'> & {
        cells: { index: number; status: string; pruning: { prunedAt: number | null } | null }[];
      };
      const pruning = grid.pruning!;
      expect(pruning.rungs.length).toBe(2);

      // The live Pruning section: every decided rung with its cells, and the epochs against the full grid.
      const live = page.getByTestId('pruning-live');
      await live.scrollIntoViewIfNeeded();
      await live.waitFor();
      const saved = page.getByTestId('pruning-live-saved');
      expect(await saved.innerText()).toContain(`${pruning.epochsTrained} of ${pruning.epochsFull} epochs`);
      const rungs = page.getByTestId('pruning-rung-list').locator('li');
      await expect.poll(() => rungs.count()).toBe(pruning.rungs.length);
      for (const [i, rung] of pruning.rungs.entries()) {
        expect(await rungs.nth(i).getAttribute('data-epoch')).toBe(String(rung.epoch));
        expect(await rungs.nth(i).getAttribute('data-kept')).toBe(rung.kept.join(','));
        expect(await rungs.nth(i).getAttribute('data-pruned')).toBe(rung.pruned.join(','));
      }
      await page.waitForFunction(
        () => document.querySelector('[data-testid="pruning-live"] [data-draw-ms]') != null,
        undefined,
        { timeout: 30_000 },
      );

      // The results table names each pruned cell's rung, as the store holds it.
      const statuses = await page
        .locator('[data-testid="grid-result-row"] td[data-column="status"]')
        .allInnerTexts();
      const prunedCells = grid.cells.filter((c) => c.status === 'pruned');
      expect(statuses.filter((s) => /pruned at epoch/.test(s))).toHaveLength(prunedCells.length);
      for (const cell of prunedCells) {
        expect(statuses).toEqual(
          expect.arrayContaining([expect.stringContaining(`pruned at epoch ${cell.pruning!.prunedAt}`)]),
        );
      }

      // The heat map marks them; importance says why it ranks at the first rung instead.
      const marks = page.locator('[data-testid="heatmap-table"] td[data-mark="pruned"]');
      await expect.poll(() => marks.count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await marks.first().textContent()).toMatch(/^pruned @\d/);
      const note = page.getByTestId('importance-pruned-note');
      await note.waitFor({ timeout: 20_000 });
      expect(await note.innerText()).toMatch(/different numbers of epochs|fewer epochs|unequal/);

      await live.scrollIntoViewIfNeeded();
      const dir = join(ROOT, 'out', 'e2e-screenshots');
      mkdirSync(dir, { recursive: true });
      const section = page.getByTestId('grid-pruning');
      await section.screenshot({ path: join(dir, 'grid-pruned-live.png') });
      if (process.env.WORKBENCH_UPDATE_SCREENSHOTS)
        copyFileSync(
          join(dir, 'grid-pruned-live.png'),
          join(ROOT, 'docs', 'screenshots', 'grid-pruned-live.png'),
        );
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});
