import { describe, expect, it } from 'vitest';
import {
  addAxis,
  placeIssues,
  placePruningIssues,
  setAxisPath,
  setPruningField,
  setPruningKind,
  specAxes,
  switchAxisMode,
} from './grid-spec-draft';

describe('grid spec draft', () => {
  it('places every issue next to what it is about', () => {
    const issues = [
      { path: 'axes.1.range.max', message: 'expected max ≥ min (got 1)' },
      { path: 'axes.0', message: 'give either "values" or "range"' },
      {
        path: 'cells.2',
        message: 'cell 2 (lr=fast, hidden=4): training.learningRate: expected a number > 0 (got "fast")',
      },
      { path: 'cells.7', message: 'cell 7 (lr=0.1, hidden=4): dataset.split: the split needs 150 examples' },
      { path: 'name', message: 'expected a non-empty grid name' },
      { path: 'base', message: 'no preset or run named "e99"' },
      { path: 'override.training', message: 'expected an object' },
      { path: 'repeats', message: 'expected an integer from 1 to 100' },
      { path: 'axes.5.values', message: 'out of range axis index' },
      { path: '', message: 'something about the whole spec' },
    ];
    const placed = placeIssues(issues, ['training.learningRate', 'model.hiddenUnits']);
    expect(placed.byAxis[0].map((i) => i.path)).toEqual(['axes.0', 'cells.2']);
    expect(placed.byAxis[1].map((i) => i.path)).toEqual(['axes.1.range.max']);
    expect(placed.cells.map((i) => i.path)).toEqual(['cells.2', 'cells.7']);
    expect(placed.name).toHaveLength(1);
    expect(placed.base).toHaveLength(1);
    expect(placed.override).toHaveLength(1);
    expect(placed.repeats).toHaveLength(1);
    expect(placed.general.map((i) => i.path)).toEqual(['axes.5.values', '']);
  });

  it('adds axes over common fields not yet swept, and switches an axis between list and range', () => {
    let spec = addAxis({ axes: [{ path: 'regularization.l2', values: [0.1] }] });
    expect(specAxes(spec)[1]).toEqual({ path: 'regularization.dropout.keep', values: [0.5, 0.75, 0.9] });
    spec = addAxis(spec);
    expect(specAxes(spec)[2].path).toBe('training.learningRate');
    expect(switchAxisMode({ path: 'training.learningRate', values: [0.1, 0.0001, 0.001] }, 'range')).toEqual({
      path: 'training.learningRate',
      range: { min: 0.0001, max: 0.1, count: 3, scale: 'log' },
    });
    expect(switchAxisMode({ path: 'x', range: { min: 1, max: 5, count: 3 } }, 'values')).toEqual({
      path: 'x',
      values: [1, 5],
    });
    // A new common field brings its starting values; the custom label of the old field goes.
    expect(setAxisPath({ path: 'seed', values: [1, 2], label: 's' }, 'training.optimizer')).toEqual({
      path: 'training.optimizer',
      values: ['sgd', 'momentum', 'adam'],
    });
    expect(setAxisPath({ path: 'seed', values: [1, 2] }, 'model.activation')).toEqual({
      path: 'model.activation',
      values: [1, 2],
    });
  });

  it('turns pruning on from a default, keeps its settings across kinds, and places its issues by field', () => {
    let spec = setPruningKind({ name: 'g' }, 'successive-halving');
    expect(spec.pruning).toEqual({
      kind: 'successive-halving',
      monitor: 'valLoss',
      minEpochs: 1,
      reductionFactor: 3,
    });
    spec = setPruningField(spec, 'minEpochs', 2);
    spec = setPruningKind(spec, 'hyperband');
    expect(spec.pruning).toEqual({ kind: 'hyperband', monitor: 'valLoss', minEpochs: 2, reductionFactor: 3 });
    expect(setPruningField(spec, 'reductionFactor', undefined).pruning).toEqual({
      kind: 'hyperband',
      monitor: 'valLoss',
      minEpochs: 2,
    });
    expect(setPruningKind(spec, 'none')).toEqual({ name: 'g' });

    const issues = [
      { path: 'pruning.minEpochs', message: 'expected a whole number of epochs ≥ 1' },
      { path: 'pruning.reductionFactor', message: 'expected a number ≥ 2' },
      { path: 'pruning.monitor', message: 'unknown monitor "x"' },
      { path: 'pruning.kind', message: 'unknown pruning kind "y"' },
      { path: 'pruning', message: 'expected an object' },
    ];
    expect(placeIssues(issues, []).pruning).toHaveLength(5);
    const placed = placePruningIssues(issues);
    expect(placed.minEpochs.map((i) => i.path)).toEqual(['pruning.minEpochs']);
    expect(placed.reductionFactor.map((i) => i.path)).toEqual(['pruning.reductionFactor']);
    expect(placed.monitor.map((i) => i.path)).toEqual(['pruning.monitor']);
    expect(placed.kind.map((i) => i.path)).toEqual(['pruning.kind', 'pruning']);
  });
});
