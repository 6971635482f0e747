import { beforeAll, describe, expect, it } from 'vitest';
import type { GridPruneReplay, PruningSpec } from '../../common/grid/pruning';
import { replayPruning } from '../../common/grid/pruning';
import { replayStoppingOnGrid } from '../../common/grid/stopping-replay';
import { parseRuleSpec } from '../../common/stopping/rule-text';
import { formatPercent } from '../../renderer/src/common/format';
import { TRADEOFF_RULES } from '../../renderer/src/grids/stopping-tradeoff';
import type { EpochMetrics } from '../../common/types';
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../support/browser';
import { ROOT, tempWorkspace, workbench } from '../support/cli';
import { callServed, serveWorkbench } from '../support/serve';

/**
 * `workbench grid prune-replay` and `grids.pruneReplay` on a real Iris grid trained through the CLI: the
 * replay reads the grid's logged epochs from the SQLite file, decides each rung as the pure arithmetic does,
 * says what it saves and costs, and refuses bad settings with one line.
 */

const sha = { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 };

function trainGrid() {
  const ws = tempWorkspace('workbench-prune-replay-');
  const spec = {
    name: 'iris lr × hidden',
    base: 'e7-iris-nesterov',
    override: { training: { epochs: 9 }, dataset: { split: { train: 100, validation: 25, test: 25 } } },
    axes: [
      { path: 'training.learningRate', values: [0.01, 0.05, 0.1] },
      { path: 'model.hiddenUnits', values: [[4], [16]] },
    ],
  };
  const ran = workbench(['--db', ws.db, 'grid', ws.write('grid.json', spec), '--json']);
  expect(ran.status, ran.stderr).toBe(0);
  const last = JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as { gridId: string; status: string };
  expect(last.status).toBe('completed');
  return { ws, gridId: last.gridId };
}

let ws: ReturnType<typeof tempWorkspace>;
let gridId = '';
beforeAll(() => {
  ({ ws, gridId } = trainGrid());
});

function cellEpochs(): { index: number; epochs: EpochMetrics[] }[] {
  const shown = JSON.parse(workbench(['--db', ws.db, 'grid', 'show', gridId, '--json']).stdout) as {
    cells: { index: number; runId: string }[];
  };
  return shown.cells.map((c) => ({
    index: c.index,
    epochs: (
      JSON.parse(workbench(['--db', ws.db, 'show', c.runId, '--json']).stdout) as { epochs: EpochMetrics[] }
    ).epochs,
  }));
}

describe('grid prune-replay', () => {
  it('replays successive halving on the grid’s logged epochs: rungs, epochs saved, winners', () => {
    const out = workbench([
      '--db',
      ws.db,
      'grid',
      'prune-replay',
      gridId.slice(0, 8),
      '--pruning',
      JSON.stringify(sha),
      '--json',
    ]);
    expect(out.status, out.stderr).toBe(0);
    const replay = JSON.parse(out.stdout) as GridPruneReplay;
    expect(replay.gridId).toBe(gridId);
    // 6 cells, η = 3: rung 1 keeps 2, rung 3 keeps 1, which trains to R = 9.
    expect(replay.rungs.map((r) => [r.epoch, r.kept.length, r.pruned.length])).toEqual([
      [1, 2, 4],
      [3, 1, 1],
    ]);
    expect(replay.epochsFull).toBe(6 * 9);
    expect(replay.epochsTrained).toBe(4 * 1 + 1 * 3 + 1 * 9);
    expect(replay.saved).toBeCloseTo(1 - 16 / 54, 12);
    // The same decisions the arithmetic makes on the epochs each cell's run logged.
    const { gridId: _id, ...rest } = replay;
    expect(rest).toEqual(JSON.parse(JSON.stringify(replayPruning(replay.pruning, cellEpochs(), 9))));

    const text = workbench(['--db', ws.db, 'grid', 'prune-replay', gridId, '--pruning', JSON.stringify(sha)]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("epochs   16 trained of the full grid's 54 (saves 70.37 %)");
    expect(text.stdout).toMatch(/winner {3}\d \(lr=/);
  });

  it('replays Hyperband, and gives the same answer over HTTP as on the command line', async () => {
    const hyperband = { ...sha, kind: 'hyperband' };
    const cli = JSON.parse(
      workbench([
        '--db',
        ws.db,
        'grid',
        'prune-replay',
        gridId,
        '--pruning',
        JSON.stringify(hyperband),
        '--json',
      ]).stdout,
    ) as GridPruneReplay;
    expect(cli.brackets.map((b) => b.rungs)).toEqual([[1, 3], [3], []]);
    expect(cli.brackets.flatMap((b) => b.cells).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const served = await serveWorkbench(ws.db);
    try {
      expect(await callServed(served, 'grids.pruneReplay', { gridId, pruning: hyperband })).toEqual(cli);
      await expect(
        callServed(served, 'grids.pruneReplay', { gridId, pruning: { ...sha, reductionFactor: 1 } }),
      ).rejects.toThrow(/pruning\.reductionFactor: expected a number ≥ 2/);
    } finally {
      await served.stop();
    }
  });

  it('replays on any set of runs trained alike, cells in the order given, as on their grid', () => {
    const shown = JSON.parse(workbench(['--db', ws.db, 'grid', 'show', gridId, '--json']).stdout) as {
      cells: { index: number; runId: string }[];
    };
    // The grid's runs in reverse: cell i of the runs replay is the grid's cell 5 − i.
    const runIds = shown.cells.map((c) => c.runId).reverse();
    const out = workbench([
      '--db',
      ws.db,
      'grid',
      'prune-replay',
      '--runs',
      ...runIds.map((id) => id.slice(0, 8)),
      '--pruning',
      JSON.stringify(sha),
      '--json',
    ]);
    expect(out.status, out.stderr).toBe(0);
    const byRuns = JSON.parse(out.stdout) as GridPruneReplay & { runIds: string[] };
    expect(byRuns.runIds).toEqual(runIds);
    const reversed = cellEpochs().map((c) => ({ index: 5 - c.index, epochs: c.epochs }));
    const { runIds: _ids, ...rest } = byRuns;
    expect(rest).toEqual(replayPruning(sha as PruningSpec, reversed, 9));

    const text = workbench([
      '--db',
      ws.db,
      'grid',
      'prune-replay',
      '--runs',
      ...runIds,
      '--pruning',
      JSON.stringify(sha),
    ]);
    expect(text.stdout).toMatch(
      /^6 runs as cells 0–5, in the order given\npruning {2}successive-halving, r = 1, η = 3/,
    );
    // A run of another length cannot be one of them.
    const { config } = JSON.parse(workbench(['--db', ws.db, 'show', runIds[0], '--json']).stdout) as {
      config: { training: object };
    };
    const shorter = { ...config, training: { ...config.training, epochs: 4 } };
    const other = workbench(['--db', ws.db, 'run', ws.write('short.json', shorter), '--json']);
    expect(other.status, other.stderr).toBe(0);
    const shortId = (JSON.parse(other.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
    const mixed = workbench([
      '--db',
      ws.db,
      'grid',
      'prune-replay',
      '--runs',
      runIds[0],
      shortId,
      runIds[1],
      '--pruning',
      JSON.stringify(sha),
    ]);
    expect(mixed.status).toBe(1);
    expect(mixed.stderr.trim()).toBe(
      'workbench: --runs: the runs are planned for 4, 9 epochs; pruning needs one number of full epochs (training.epochs the same in every run)',
    );
  });

  it('refuses a bad setting with one line naming the field, and changes nothing', () => {
    const before = workbench(['--db', ws.db, 'grids', '--json']).stdout;
    const refused = (pruning: unknown) => {
      const out = workbench([
        '--db',
        ws.db,
        'grid',
        'prune-replay',
        gridId,
        '--pruning',
        JSON.stringify(pruning),
      ]);
      expect(out.status).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      return out.stderr.trim();
    };
    expect(refused({ ...sha, minEpochs: 9 })).toBe(
      "workbench: pruning.minEpochs: 9 is not below the grid's full 9 epochs (training.epochs): no rung would sit before the end",
    );
    expect(refused({ ...sha, kind: 'asha' })).toBe(
      'workbench: pruning.kind: unknown pruning kind "asha": expected "successive-halving" or "hyperband"',
    );
    expect(refused({ ...sha, reductionFactor: 7 })).toMatch(
      /^workbench: pruning\.reductionFactor: 7 is more than the grid's 6 cells/,
    );
    // A cell cut short by a crash is not a finished cell: `grid resume` would train it on.
    const copy = `${ws.db}.interrupted.db`;
    copyFileSync(ws.db, copy);
    const conn = new Database(copy);
    conn
      .prepare(
        `UPDATE runs SET status = 'interrupted' WHERE id = (SELECT run_id FROM grid_cells WHERE grid_id = ? AND idx = 0)`,
      )
      .run(gridId);
    conn.close();
    const cut = workbench(['--db', copy, 'grid', 'prune-replay', gridId, '--pruning', JSON.stringify(sha)]);
    expect(cut.stderr.trim()).toMatch(
      /^workbench: grid \w+ has 1 cell still to train: a replay needs every epoch/,
    );
    const missing = workbench(['--db', ws.db, 'grid', 'prune-replay', gridId]);
    expect(missing.stderr).toMatch(/^workbench: grid prune-replay: expected --pruning '<json>'/);
    expect(workbench(['--db', ws.db, 'grids', '--json']).stdout).toBe(before);
  });
});

describe('the Pruning section of the grid view (browser)', () => {
  it('replays a setting on the served grid and shows what the command line says', async () => {
    const cli = JSON.parse(
      workbench(['--db', ws.db, 'grid', 'prune-replay', gridId, '--pruning', JSON.stringify(sha), '--json'])
        .stdout,
    ) as GridPruneReplay;
    const served = await serveWorkbench(ws.db);
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.goto(`${served.origin}/#/grids/${gridId}`);
      const section = page.getByTestId('grid-pruning');
      await section.waitFor({ timeout: 30_000 });
      await page.getByTestId('pruning-min-epochs').fill('1');
      await page.getByTestId('pruning-eta').fill('3');
      await page.getByTestId('pruning-replay').click();
      const saved = page.getByTestId('pruning-saved');
      await saved.waitFor({ timeout: 20_000 });
      expect(await saved.textContent()).toBe(
        `${cli.epochsTrained} trained of the full grid's ${cli.epochsFull}: saves ${(cli.saved * 100).toFixed(2)}%`,
      );
      expect(await page.getByTestId('pruning-rung').count()).toBe(cli.rungs.length);
      // Charts draw once they come near the viewport.
      await page.locator('.pruning-chart').scrollIntoViewIfNeeded();
      await page.waitForFunction(
        () => document.querySelector('.pruning-chart')?.getAttribute('data-draw-ms') != null,
      );
      await page.getByTestId('pruning-common').click();
      await expect
        .poll(() => page.getByTestId('pruning-setting').count(), { timeout: 20_000 })
        .toBeGreaterThan(3);
      await page.waitForFunction(
        () => document.querySelector('.pruning-tradeoff')?.getAttribute('data-draw-ms') != null,
      );
      // Early-stopping rules on the same chart: the numbers the pure replay gives on the grid's epochs.
      await page.getByTestId('pruning-stopping').click();
      const rules = page.getByTestId('pruning-stopping-rule');
      await expect.poll(() => rules.count(), { timeout: 20_000 }).toBe(TRADEOFF_RULES.length);
      const cells = cellEpochs();
      for (const [i, spec] of TRADEOFF_RULES.entries()) {
        const expected = replayStoppingOnGrid(parseRuleSpec(spec, { monitor: 'valLoss' }), cells);
        const row = await rules.nth(i).locator('td').allInnerTexts();
        expect(row[0]).toContain(`(${expected.stopped} of the cells stopped)`);
        expect(row[1]).toBe(formatPercent(expected.saved));
        expect(row[3]).toBe(expected.winner === expected.fullWinner ? 'yes' : 'no');
      }
      await page.waitForFunction(
        () => document.querySelectorAll('.pruning-tradeoff .scatterlayer .trace').length === 2,
        undefined,
        { timeout: 20_000 },
      );
      await section.scrollIntoViewIfNeeded();
      const dir = join(ROOT, 'out', 'e2e-screenshots');
      mkdirSync(dir, { recursive: true });
      await section.screenshot({ path: join(dir, 'grid-pruning.png') });
      if (process.env.WORKBENCH_UPDATE_SCREENSHOTS)
        copyFileSync(join(dir, 'grid-pruning.png'), join(ROOT, 'docs', 'screenshots', 'grid-pruning.png'));
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});
