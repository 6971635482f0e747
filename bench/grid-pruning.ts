/**
 * What live pruning saves on an E5-like grid, measured in the same run as its reference: the E5 CNN on a
 * small MNIST split, 3 λ × 3 dropout keep p, 8 epochs, trained through the product's CLI (`workbench grid
 * --json`, one SQLite file) once in full and once with successive halving (r = 2, η = 3), one after the
 * other on the same workers. Reported: epochs and wall time of each, whether the pruned grid's winner is the
 * full grid's, and `workbench grid prune-replay` of the same setting on the full grid, which must predict the
 * pruned grid's rungs and epochs exactly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { GridPruneReplay, PruningSpec } from '../common/grid/pruning';
import { mdTable, metaLine, type SectionMeta } from './report';

export const BENCH_PRUNING: PruningSpec = {
  kind: 'successive-halving',
  monitor: 'valLoss',
  minEpochs: 2,
  reductionFactor: 3,
};

interface GridRun {
  gridId: string;
  seconds: number;
  epochs: number;
  /** The best cell by validation loss over every epoch it logged. */
  winner: number;
  rungs: { epoch: number; kept: number[]; pruned: number[] }[];
}

export interface GridPruningResult {
  cells: number;
  fullEpochs: number;
  train: number;
  full: GridRun;
  pruned: GridRun;
  replay: Pick<
    GridPruneReplay,
    'epochsTrained' | 'epochsFull' | 'saved' | 'winner' | 'fullWinner' | 'regret'
  > & {
    rungs: { epoch: number; kept: number[]; pruned: number[] }[];
  };
  /** The replay's rungs and epochs are the live pruned grid's. */
  replayMatches: boolean;
}

function workbench(root: string, db: string, args: string[]): string {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'workbench.mjs'), '--db', db, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_BACKEND: undefined },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`workbench ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

interface ShownGrid {
  pruning: { rungs: { epoch: number; kept: number[]; pruned: number[] }[]; epochsTrained: number } | null;
  cells: { index: number; valLoss: number | null; epochs: number }[];
}

function trainGrid(root: string, db: string, file: string): GridRun {
  const started = performance.now();
  const lines = workbench(root, db, ['grid', file, '--json']).trim().split('\n');
  const seconds = (performance.now() - started) / 1000;
  const { gridId } = JSON.parse(lines.at(-1)!) as { gridId: string };
  const shown = JSON.parse(workbench(root, db, ['grid', 'show', gridId, '--json'])) as ShownGrid;
  const ranked = shown.cells
    .filter((c) => c.valLoss !== null)
    .sort((a, b) => a.valLoss! - b.valLoss! || a.index - b.index);
  return {
    gridId,
    seconds,
    epochs: shown.cells.reduce((sum, c) => sum + c.epochs, 0),
    winner: ranked[0].index,
    rungs: (shown.pruning?.rungs ?? []).map(({ epoch, kept, pruned }) => ({ epoch, kept, pruned })),
  };
}

export function measureGridPruning(options: {
  root: string;
  tmp: string;
  quick: boolean;
  log: (line: string) => void;
}): GridPruningResult {
  const base = JSON.parse(
    readFileSync(join(options.root, 'resources', 'presets', 'e5-cnn-l2-0.01.json'), 'utf8'),
  ) as { dataset: { split: object } };
  const train = options.quick ? 500 : 2000;
  const fullEpochs = 8;
  const spec = (pruning?: PruningSpec) => ({
    name: pruning ? 'E5-like, successive halving' : 'E5-like, full',
    base: 'e5-cnn-l2-0.01',
    override: {
      dataset: { ...base.dataset, split: { train, validation: train / 2, test: train / 2 } },
      training: { epochs: fullEpochs, learningRate: 0.001 },
    },
    axes: [
      { path: 'regularization.l2', values: [0.01, 0.1, 0.5] },
      { path: 'regularization.dropout.keep', values: [0.5, 0.75, 0.9] },
    ],
    ...(pruning ? { pruning } : {}),
  });
  const dir = mkdtempSync(join(options.tmp, 'pruning-'));
  try {
    const db = join(dir, 'grids.db');
    writeFileSync(join(dir, 'full.json'), JSON.stringify(spec()));
    writeFileSync(join(dir, 'pruned.json'), JSON.stringify(spec(BENCH_PRUNING)));
    options.log(`  full grid: 9 cells × ${fullEpochs} epochs on ${train} training examples …`);
    const full = trainGrid(options.root, db, join(dir, 'full.json'));
    options.log(`  full grid: ${full.epochs} epochs in ${full.seconds.toFixed(1)} s`);
    const pruned = trainGrid(options.root, db, join(dir, 'pruned.json'));
    options.log(`  pruned grid: ${pruned.epochs} epochs in ${pruned.seconds.toFixed(1)} s`);
    const replay = JSON.parse(
      workbench(options.root, db, [
        'grid',
        'prune-replay',
        full.gridId,
        '--pruning',
        JSON.stringify(BENCH_PRUNING),
        '--json',
      ]),
    ) as GridPruneReplay;
    const replayRungs = replay.rungs.map(({ epoch, kept, pruned: p }) => ({ epoch, kept, pruned: p }));
    return {
      cells: 9,
      fullEpochs,
      train,
      full,
      pruned,
      replay: {
        epochsTrained: replay.epochsTrained,
        epochsFull: replay.epochsFull,
        saved: replay.saved,
        winner: replay.winner,
        fullWinner: replay.fullWinner,
        regret: replay.regret,
        rungs: replayRungs,
      },
      replayMatches:
        JSON.stringify(replayRungs) === JSON.stringify(pruned.rungs) &&
        replay.epochsTrained === pruned.epochs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (v: number | null, digits = 4) => (v === null ? '–' : v.toFixed(digits));

function table(r: GridPruningResult): { head: string[]; rows: string[][] } {
  return {
    head: ['grid', 'epochs trained', 'wall time', 'winner (cell)', 'rungs (epoch: kept)'],
    rows: [
      ['full', `${r.full.epochs}`, `${r.full.seconds.toFixed(1)} s`, `${r.full.winner}`, '–'],
      [
        `successive halving r = ${BENCH_PRUNING.minEpochs}, η = ${BENCH_PRUNING.reductionFactor}`,
        `${r.pruned.epochs} (${((1 - r.pruned.epochs / r.full.epochs) * 100).toFixed(0)} % fewer)`,
        `${r.pruned.seconds.toFixed(1)} s (${((r.pruned.seconds / r.full.seconds) * 100).toFixed(0)} % of full)`,
        `${r.pruned.winner}${r.pruned.winner === r.full.winner ? ' (the same)' : ' (another)'}`,
        r.pruned.rungs.map((g) => `${g.epoch}: ${g.kept.join(', ')}`).join('; '),
      ],
      [
        'replay on the full grid',
        `${r.replay.epochsTrained} of ${r.replay.epochsFull}`,
        '–',
        `${r.replay.winner} (full winner ${r.replay.fullWinner})`,
        r.replay.rungs.map((g) => `${g.epoch}: ${g.kept.join(', ')}`).join('; '),
      ],
    ],
  };
}

const METHOD =
  'Pruning: the E5 CNN (32 3×3 filters, batch norm, 784 dense, Adam 0.001) on MNIST with the split given ' +
  'above, a 3 λ × 3 dropout keep p grid of 8 epochs, through `workbench grid --json` on one SQLite file: ' +
  'first in full, then with successive halving (r = 2, η = 3: rungs at epochs 2 and 6), one after the other ' +
  'on the same workers. The winner is the cell with the lowest validation loss over the epochs it trained. ' +
  'Then `workbench grid prune-replay` of the same setting on the full grid, which reads its logged epochs.';

export function gridPruningMarkdown(r: GridPruningResult | { skipped: string }, meta: SectionMeta): string[] {
  const lines = [
    '<!-- pruning:start -->',
    '## Pruned grids: successive halving on an E5-like grid',
    '',
    metaLine(meta),
    '',
  ];
  if ('skipped' in r) lines.push(`- not measured: ${r.skipped}`, '');
  else {
    const t = table(r);
    lines.push(...mdTable(t.head, t.rows), '');
    lines.push(
      `- Split: ${r.train} training, ${r.train / 2} validation, ${r.train / 2} test examples; ${r.cells} cells × ${r.fullEpochs} epochs.`,
      `- The replay predicts the live pruned grid exactly (same rungs, same epochs): ${r.replayMatches ? 'yes' : 'NO'}.`,
      `- Regret of the pruned winner at its best epoch (full winner minus pruned winner): validation loss ${fmt(r.replay.regret.valLoss)}, test accuracy ${fmt(r.replay.regret.testAcc)}.`,
      '',
    );
  }
  lines.push(`- ${METHOD}`, '', '<!-- pruning:end -->');
  return lines;
}

export function gridPruningConsole(r: GridPruningResult | { skipped: string }): string[] {
  if ('skipped' in r) return ['', `Pruning: not measured: ${r.skipped}`];
  const t = table(r);
  const out = new Table({ head: t.head, style: { head: [], border: [] } });
  for (const row of t.rows) out.push(row);
  return ['', 'Pruned grid (E5-like):', out.toString(), `replay matches the live grid: ${r.replayMatches}`];
}
