import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../config/run-config';
import { UserInputError } from '../errors';
import {
  cellRunName,
  deepMerge,
  expandGrid,
  formatAxisValue,
  rangeValues,
  resolveAxis,
  setPath,
  toInputConfig,
} from './expand';
import { gridSpecSchema, MAX_GRID_CELLS, type GridSpecInput } from './spec';

const BASE = {
  name: 'base',
  seed: 5,
  dataset: { id: 'iris', split: { train: 110, validation: 0, test: 40 }, shuffleSeed: 7 },
  model: { kind: 'mlp', hiddenUnits: [16], activation: 'softplus' },
  training: { optimizer: 'nesterov', learningRate: 0.01, momentum: 0.9, batchSize: 'full', epochs: 10 },
  regularization: { l2: 0, dropout: { rate: 0.5 } },
};

function spec(input: Partial<GridSpecInput>) {
  return gridSpecSchema.parse({ name: 'G', base: 'x', axes: [{ path: 'seed', values: [1] }], ...input });
}

describe('rangeValues', () => {
  it.each([
    ['linear, 5 steps', { min: 0, max: 1, count: 5 }, [0, 0.25, 0.5, 0.75, 1]],
    ['log, 3 decades', { min: 1e-4, max: 1e-2, count: 3, scale: 'log' }, [1e-4, 1e-3, 1e-2]],
    [
      'log, 5 steps over 2 decades',
      { min: 0.01, max: 1, count: 5, scale: 'log' },
      [0.01, 0.0316227766017, 0.1, 0.316227766017, 1],
    ],
    ['one value is the minimum', { min: 3, max: 9, count: 1 }, [3]],
    ['no floating-point noise', { min: 0.1, max: 0.3, count: 3 }, [0.1, 0.2, 0.3]],
    ['integers, duplicates merged', { min: 1, max: 3, count: 5, integer: true }, [1, 2, 3]],
    [
      'integer log range (hidden units)',
      { min: 10, max: 1000, count: 3, scale: 'log', integer: true },
      [10, 100, 1000],
    ],
  ] as const)('%s', (_, range, expected) => {
    const parsed = gridSpecSchema.parse({
      name: 'G',
      base: 'x',
      axes: [{ path: 'training.learningRate', range }],
    });
    expect(rangeValues(parsed.axes[0].range!)).toEqual(expected);
  });
});

describe('gridSpecSchema refuses bad specs with the field named', () => {
  it.each([
    ['no axes', { axes: [] }, 'axes', 'at least one axis'],
    [
      'values and range',
      { axes: [{ path: 'seed', values: [1], range: { min: 0, max: 1, count: 2 } }] },
      'axes.0',
      'not both',
    ],
    ['neither', { axes: [{ path: 'seed' }] }, 'axes.0', 'either "values"'],
    ['bad path', { axes: [{ path: 'training..lr', values: [1] }] }, 'axes.0.path', 'dotted field path'],
    [
      'log range through 0',
      { axes: [{ path: 'seed', range: { min: 0, max: 1, count: 3, scale: 'log' } }] },
      'axes.0.range.min',
      'min > 0',
    ],
    [
      'max below min',
      { axes: [{ path: 'seed', range: { min: 2, max: 1, count: 3 } }] },
      'axes.0.range.max',
      'max ≥ min',
    ],
    [
      'duplicate axis',
      {
        axes: [
          { path: 'seed', values: [1] },
          { path: 'seed', values: [2] },
        ],
      },
      'axes.1.path',
      'already an axis',
    ],
    ['repeats 0', { repeats: 0 }, 'repeats', 'from 1 to 100'],
    ['empty values', { axes: [{ path: 'seed', values: [] }] }, 'axes.0.values', 'at least one value'],
  ] as const)('%s', (_, input, path, message) => {
    const result = gridSpecSchema.safeParse({ name: 'G', base: 'x', ...input });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toContain(message);
  });
});

describe('expandGrid', () => {
  it('crosses the axes in order (last fastest), sets each path, and names runs by what differs', () => {
    const grid = expandGrid(
      spec({
        name: 'E5',
        axes: [
          { path: 'regularization.l2', values: [0.01, 0.1] },
          { path: 'training.learningRate', range: { min: 1e-4, max: 1e-2, count: 3, scale: 'log' } },
        ],
      }),
      BASE,
    );
    expect(grid.fullPoints).toBe(6);
    expect(grid.cells.map((c) => [c.values['regularization.l2'], c.values['training.learningRate']])).toEqual(
      [
        [0.01, 1e-4],
        [0.01, 1e-3],
        [0.01, 1e-2],
        [0.1, 1e-4],
        [0.1, 1e-3],
        [0.1, 1e-2],
      ],
    );
    expect(grid.cells.map((c) => c.config.name)).toEqual([
      'E5 · λ=0.01 · lr=1e-4',
      'E5 · λ=0.01 · lr=1e-3',
      'E5 · λ=0.01 · lr=0.01',
      'E5 · λ=0.1 · lr=1e-4',
      'E5 · λ=0.1 · lr=1e-3',
      'E5 · λ=0.1 · lr=0.01',
    ]);
    const last = grid.cells[5].config as typeof BASE;
    expect(last.regularization.l2).toBe(0.1);
    expect(last.training.learningRate).toBe(0.01);
    expect(last.training.momentum).toBe(0.9);
    expect(grid.cells[5].config.experiment).toBe('E5');
    expect(grid.axes.map((a) => [a.label, a.scale])).toEqual([
      ['λ', 'linear'],
      ['lr', 'log'],
    ]);
    // The base is never modified.
    expect(BASE.regularization.l2).toBe(0);
  });

  it('sets list values whole (hidden units) and replaces the dropout form it sweeps', () => {
    const grid = expandGrid(
      spec({
        axes: [
          { path: 'model.hiddenUnits', values: [[100], [500, 500]] },
          { path: 'regularization.dropout.keep', values: [0.9, 0.5] },
        ],
      }),
      BASE,
    );
    const configs = grid.cells.map((c) => runConfigSchema.parse(c.config));
    expect(
      configs.map((c) => [c.model.kind === 'mlp' && c.model.hiddenUnits, c.regularization.dropout?.keep]),
    ).toEqual([
      [[100], 0.9],
      [[100], 0.5],
      [[500, 500], 0.9],
      [[500, 500], 0.5],
    ]);
    expect(grid.cells[2].config.name).toBe('G · hidden=500×500 · keep p=0.9');
    expect(grid.axes[0].scale).toBe('categorical');
  });

  it('merges the override before the axes, and repeats each point with seed + r', () => {
    const grid = expandGrid(
      spec({
        override: { training: { epochs: 3 }, dataset: { split: { train: 50 } } },
        axes: [{ path: 'training.optimizer', values: ['gd', 'nesterov'] }],
        repeats: 3,
      }),
      BASE,
    );
    expect(grid.cells.map((c) => [c.point, c.repeat, c.config.seed, c.values['training.optimizer']])).toEqual(
      [
        [0, 0, 5, 'gd'],
        [0, 1, 6, 'gd'],
        [0, 2, 7, 'gd'],
        [1, 0, 5, 'nesterov'],
        [1, 1, 6, 'nesterov'],
        [1, 2, 7, 'nesterov'],
      ],
    );
    const config = grid.cells[0].config as typeof BASE;
    expect(config.training.epochs).toBe(3);
    expect(config.dataset.split).toEqual({ train: 50, validation: 0, test: 40 });
    expect(grid.cells[4].config.name).toBe('G · optimizer=nesterov · seed 6');
  });

  it('samples a seeded subset of points, the same one every time, in grid order', () => {
    const s = spec({
      axes: [
        { path: 'training.learningRate', range: { min: 0.001, max: 0.1, count: 10, scale: 'log' } },
        { path: 'regularization.l2', range: { min: 0, max: 0.9, count: 10 } },
      ],
      sample: { count: 7, seed: 3 },
    });
    const a = expandGrid(s, BASE);
    const b = expandGrid(s, BASE);
    expect(a.fullPoints).toBe(100);
    expect(a.cells).toHaveLength(7);
    expect(a.cells.map((c) => c.values)).toEqual(b.cells.map((c) => c.values));
    const other = expandGrid({ ...s, sample: { count: 7, seed: 4 } }, BASE);
    expect(other.cells.map((c) => c.values)).not.toEqual(a.cells.map((c) => c.values));
    const keys = a.cells.map((c) => JSON.stringify(c.values));
    expect(new Set(keys).size).toBe(7);
    expect(() => expandGrid({ ...s, sample: { count: 101, seed: 0 } }, BASE)).toThrow(
      /more than the 100 points/,
    );
  });

  it('orders cells as listed or shuffled by a seed, keeping each cell its index', () => {
    const axes = [{ path: 'training.learningRate', values: [1, 2, 3, 4, 5, 6, 7, 8] }];
    const listed = expandGrid(spec({ axes }), BASE);
    expect(listed.cells.map((c) => c.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const shuffled = expandGrid(spec({ axes, order: 'shuffled', orderSeed: 1 }), BASE);
    const positions = shuffled.cells.map((c) => c.position);
    expect([...positions].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(positions).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(
      expandGrid(spec({ axes, order: 'shuffled', orderSeed: 1 }), BASE).cells.map((c) => c.position),
    ).toEqual(positions);
    expect(shuffled.cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses an absurd size before building a single cell', () => {
    const big = spec({
      axes: [
        { path: 'training.learningRate', range: { min: 1, max: 2, count: 1000 } },
        { path: 'regularization.l2', range: { min: 0, max: 1, count: 1000 } },
      ],
    });
    const started = Date.now();
    expect(() => expandGrid(big, BASE)).toThrow(UserInputError);
    expect(() => expandGrid(big, BASE)).toThrow(
      `the grid has 1,000,000 cells (1000 × 1000); at most ${MAX_GRID_CELLS.toLocaleString('en-US')} are allowed`,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(() => expandGrid({ ...big, axes: big.axes.slice(0, 1), repeats: 11 }, BASE)).toThrow(
      /11,000 cells \(1000 × 11 repeats\)/,
    );
  });
});

describe('helpers', () => {
  it.each([
    [0.1, '0.1'],
    [1e-4, '1e-4'],
    [0.00025, '2.5e-4'],
    [2000, '2000'],
    [[500, 500], '500×500'],
    ['full', 'full'],
    [true, 'true'],
  ])('formatAxisValue(%j) = %s', (value, text) => expect(formatAxisValue(value)).toBe(text));

  it('deepMerge merges objects and replaces everything else', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({
      a: { b: 1, c: [3] },
      d: 1,
      e: 2,
    });
  });

  it('setPath creates missing objects', () => {
    const config: Record<string, unknown> = {};
    setPath(config, 'training.lrSchedule.factor', 0.5);
    expect(config).toEqual({ training: { lrSchedule: { factor: 0.5 } } });
  });

  it('toInputConfig turns a stored config back into one that parses to itself', () => {
    for (const dropout of [{ keep: 0.75 }, { rate: 0.25 }, undefined]) {
      const stored = runConfigSchema.parse({
        ...BASE,
        regularization: { l2: 0.1, ...(dropout ? { dropout } : {}) },
      });
      expect(runConfigSchema.parse(toInputConfig(stored))).toEqual(stored);
    }
  });

  it('cellRunName lists every axis', () => {
    const axis = resolveAxis(
      gridSpecSchema.parse({ name: 'G', base: 'x', axes: [{ path: 'regularization.l2', values: [0.5] }] })
        .axes[0],
    );
    expect(cellRunName('E5', [axis], { 'regularization.l2': 0.5 })).toBe('E5 · λ=0.5');
  });
});
