import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalPoint } from '../../common/types';
import { launchChromium } from '../support/browser';
import { archiveRoundTrip, ROOT, spawnWorkbench, tempWorkspace, workbench } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * Evaluation points inside an epoch as a user meets them: `run --json` prints a line per point, `show
 * --json` lists them with the epoch rows that fall on a point, the epochs equal those of the same run
 * without points, a run killed mid-epoch and resumed logs each point once, `plot --x examples` and
 * archives carry them, and the run page and Compare draw them on an examples axis.
 */

interface Line {
  runId: string;
  kind?: 'point';
  epoch: number;
  [field: string]: unknown;
}

interface Shown {
  id: string;
  status: string;
  epochs: Record<string, number | null>[];
  points?: EvalPoint[];
}

const workspace = tempWorkspace('workbench-points-');
let served: ServedWorkbench | undefined;
const every = { examples: 250 };
let plain: Line[] = [];
let pointed: Line[] = [];

function config(name: string, epochs: number, evaluateEvery?: object) {
  const base = smallMnistMlp({ name, epochs });
  return {
    ...base,
    // cpu: the same numbers whatever the process did before, so a resumed run can equal its twin.
    backend: 'cpu',
    training: { ...base.training, ...(evaluateEvery ? { evaluateEvery } : {}) },
  };
}

function runLines(db: string, file: string): Line[] {
  const result = workbench(['--db', db, 'run', file, '--json']);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

function show(db: string, runId: string): Shown {
  const result = workbench(['--db', db, 'show', runId, '--json']);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Shown;
}

const withoutTime = <T extends object>(rows: T[]) =>
  rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'seconds' && k !== 'runId')),
  );

const METRICS = ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'lr'] as const;
const metricsOf = (row: object) => METRICS.map((m) => (row as Record<string, unknown>)[m]);

beforeAll(() => {
  plain = runLines(workspace.db, workspace.write('plain.json', config('plain', 3)));
  pointed = runLines(workspace.db, workspace.write('pointed.json', config('pointed', 3, every)));
});

afterAll(async () => {
  await served?.stop();
});

describe('evaluation points inside an epoch', () => {
  it('prints a line per point, lists every point in show --json, and leaves the epochs as they were', () => {
    const points = pointed.filter((l) => l.kind === 'point');
    const epochs = pointed.filter((l) => l.kind === undefined && 'trainLoss' in l);
    // 1000 training examples in batches of 100: after 300, 500 and 800 examples, and each epoch's end.
    expect(points.map((p) => p.examples)).toEqual([300, 500, 800, 1300, 1500, 1800, 2300, 2500, 2800]);
    expect(points.map((p) => p.epoch)).toEqual([0.3, 0.5, 0.8, 1.3, 1.5, 1.8, 2.3, 2.5, 2.8]);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // Evaluating changes nothing the training does: the epochs equal the run without points.
    expect(withoutTime(epochs)).toEqual(withoutTime(plain.filter((l) => 'trainLoss' in l)));

    const runId = pointed[0].runId;
    const shown = show(workspace.db, runId);
    expect(shown.points?.map((p) => p.step)).toEqual([3, 5, 8, 10, 13, 15, 18, 20, 23, 25, 28, 30]);
    const inside = shown.points!.filter((p) => !Number.isInteger(p.epoch));
    expect(withoutTime(inside)).toEqual(withoutTime(points.map(({ kind: _k, ...p }) => p)));
    // A point on an epoch's end is that epoch's row.
    for (const e of shown.epochs) {
      const atEnd = shown.points!.find((p) => p.epoch === e.epoch)!;
      expect(atEnd).toMatchObject({ step: e.epoch! * 10, examples: e.epoch! * 1000 });
      expect(metricsOf(atEnd)).toEqual(metricsOf(e));
    }
    // A run that evaluates once per epoch has no "points" at all.
    expect(show(workspace.db, plain[0].runId).points).toBeUndefined();
    const table = workbench(['--db', workspace.db, 'show', runId]);
    expect(table.stdout).toContain('12 evaluation points (every 250 examples)');
  });

  it('log layer statistics at every point, and leave the epochs’ own as the run without points has them', () => {
    const layers = (runId: string) =>
      JSON.parse(workbench(['--db', workspace.db, 'layers', runId, '--json']).stdout) as {
        layers: { name: string; epochs: { epoch: number }[]; points?: { step: number; epoch: number }[] }[];
      };
    const withPoints = layers(pointed[0].runId);
    const without = layers(plain[0].runId);
    expect(withPoints.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2']);
    for (const layer of withPoints.layers) {
      expect(layer.points?.map((p) => p.step)).toEqual([3, 5, 8, 13, 15, 18, 23, 25, 28]);
    }
    expect(without.layers.every((l) => l.points === undefined)).toBe(true);
    // The epochs' update ratio is from the epoch's start whatever points came between.
    expect(withPoints.layers.map((l) => l.epochs)).toEqual(without.layers.map((l) => l.epochs));
    const table = workbench(['--db', workspace.db, 'layers', pointed[0].runId]);
    expect(table.stdout).toContain('0.30 (step 3)');
  });

  it('a run killed with SIGKILL mid-epoch and resumed logs each point once, equal to its twin', async () => {
    const ws = tempWorkspace();
    const file = ws.write('run.json', config('resumable', 4, { examples: 100 }));
    const twin = runLines(ws.db, file);
    const child = spawnWorkbench(['--db', ws.db, 'run', file, '--json']);
    // Inside epoch 3, after some of its points are logged.
    await expect
      .poll(() => child.lines.some((l) => (JSON.parse(l) as Line).epoch >= 2.5), { timeout: 120_000 })
      .toBe(true);
    child.child.kill('SIGKILL');
    await child.exited;
    const runId = (JSON.parse(child.lines[0]) as Line).runId;
    const resumed = workbench(['--db', ws.db, 'resume', runId]);
    expect(resumed.status).toBe(0);
    const after = show(ws.db, runId);
    expect(after.status).toBe('completed');
    const steps = after.points!.map((p) => p.step);
    expect(steps).toEqual([...new Set(steps)]);
    expect(steps).toHaveLength(40);
    expect(withoutTime(after.points!)).toEqual(withoutTime(show(ws.db, twin[0].runId).points!));
  });

  it('plots and exports by examples seen or steps, and refuses an unknown axis', () => {
    const [a, b] = [plain[0].runId, pointed[0].runId];
    const csvFile = join(workspace.dir, 'by-examples.csv');
    const csv = workbench(['--db', workspace.db, 'plot', a, b, '--x', 'examples', '--out', csvFile]);
    expect(csv.stderr).toBe('');
    const text = readFileSync(csvFile, 'utf8');
    const [header, ...lines] = text.trim().split('\r\n');
    expect(header.split(',').slice(0, 7)).toEqual([
      'run_id',
      'run_name',
      'label',
      'epoch',
      'step',
      'examples',
      'time_s',
    ]);
    const ofPointed = lines.filter((l) => l.startsWith(b)).map((l) => l.split(','));
    expect(ofPointed.map((f) => Number(f[5]))).toEqual([
      300, 500, 800, 1000, 1300, 1500, 1800, 2000, 2300, 2500, 2800, 3000,
    ]);
    expect(lines.filter((l) => l.startsWith(a))).toHaveLength(3);
    const svg = join(workspace.dir, 'by-step.svg');
    expect(workbench(['--db', workspace.db, 'plot', a, b, '--x', 'step', '--out', svg]).status).toBe(0);
    expect(readFileSync(svg, 'utf8')).toContain('>step<');
    const bad = workbench(['--db', workspace.db, 'plot', a, '--x', 'batches', '--out', svg]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toBe(
      'workbench: --x: expected one of epoch, step, examples, time, got "batches"',
    );
  });

  it('travel in an archive to another store', () => {
    const runId = pointed[0].runId;
    const laptop = archiveRoundTrip(workspace.dir, workspace.db, runId, 'points');
    expect(show(laptop, runId).points).toEqual(show(workspace.db, runId).points);
  });

  it('are drawn on an examples axis in the run page and in Compare', async () => {
    served = await serveWorkbench(workspace.db);
    const { browser, context } = await launchChromium();
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(served.url);
      const runId = pointed[0].runId;
      await page.goto(`${served.origin}/#/runs/${runId}`);
      await expect
        .poll(() => page.getByTestId('points-note').textContent(), { timeout: 30_000 })
        .toContain('9 evaluation points inside epochs');
      await page.getByTestId('curve-x-axis').selectOption('examples');
      const chart = page.locator('.run-chart').first();
      await chart.scrollIntoViewIfNeeded();
      await expect
        .poll(() => chart.locator('.xtitle').textContent(), { timeout: 30_000 })
        .toBe('Examples seen');
      const xs = await chart.evaluate(
        (el) => (el.querySelector('.js-plotly-plot') as unknown as { data: { x: number[] }[] }).data[0].x,
      );
      expect(xs).toEqual([300, 500, 800, 1000, 1300, 1500, 1800, 2000, 2300, 2500, 2800, 3000]);
      const charts = page.locator('.chart-grid').first();
      await expect.poll(() => charts.locator('[data-draw-ms]').count(), { timeout: 30_000 }).toBe(2);
      const shots = join(ROOT, 'out', 'e2e-screenshots');
      mkdirSync(shots, { recursive: true });
      await charts.screenshot({ path: join(shots, 'points.png') });
      // `WORKBENCH_UPDATE_SCREENSHOTS=1` refreshes the README's pictures.
      if (process.env.WORKBENCH_UPDATE_SCREENSHOTS) {
        copyFileSync(join(shots, 'points.png'), join(ROOT, 'docs', 'screenshots', 'points.png'));
      }

      await page.goto(`${served.origin}/#/compare?ids=${plain[0].runId},${runId}&x=examples`);
      const compare = page.getByTestId('compare-chart');
      await compare.scrollIntoViewIfNeeded();
      await expect
        .poll(() => compare.locator('.xtitle').first().textContent(), { timeout: 30_000 })
        .toBe('examples seen');
      const lengths = await compare.evaluate((el) =>
        ((el.querySelector('.js-plotly-plot') ?? el) as unknown as { data: { x: number[] }[] }).data.map(
          (d) => d.x.length,
        ),
      );
      expect(lengths).toContain(12);
      expect(lengths).toContain(3);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
