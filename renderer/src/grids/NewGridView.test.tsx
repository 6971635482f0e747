// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GridCheck } from '../../../common/grid/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, GRID_PRESETS, gridCheckFor, IRIS, MNIST, PRESETS, runRow } from '../testing/fixtures';
import { renderWithClient } from '../testing/render';
import { NewGridView } from './NewGridView';

afterEach(cleanup);
beforeEach(() => {
  window.location.hash = '#/grids/new';
});

/**
 * grids.check as the server answers it: a value of the wrong type fails the run checks of the cells that
 * have it (`cells.N`, the message naming the cell and the field); a range with max < min is an axis issue.
 */
function check(spec: unknown): GridCheck {
  const axes =
    (spec as { axes?: { path: string; values?: unknown[]; range?: { min: number; max: number } }[] }).axes ??
    [];
  const issues: { path: string; message: string }[] = [];
  axes.forEach((axis, i) => {
    axis.values?.forEach((value, v) => {
      if (axis.path === 'regularization.l2' && typeof value !== 'number') {
        issues.push({
          path: `cells.${v}`,
          message: `cell ${v} (λ=${String(value)}): regularization.l2: expected a number ≥ 0 (got "${String(value)}")`,
        });
      }
    });
    if (axis.range && axis.range.max < axis.range.min) {
      issues.push({ path: `axes.${i}.range.max`, message: `expected max ≥ min (got ${axis.range.max})` });
    }
  });
  return issues.length > 0 ? { ok: false, issues } : gridCheckFor(spec);
}

const NOTMNIST = { ...MNIST, id: 'notmnist', name: 'notMNIST', source: 'imported' as const, officialTest: 0 };

function workbench(gridPresets = GRID_PRESETS, checkSpec: (spec: unknown) => GridCheck = check) {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'grids.presets': () => gridPresets,
    'presets.list': () => PRESETS,
    'runs.list': () => [runRow(1, { id: 'run-old', name: 'old run' })],
    'datasets.list': () => [MNIST, IRIS, NOTMNIST],
    'grids.check': ({ spec }) => checkSpec(spec),
    'grids.start': () => ({ gridId: 'grid-new', cells: 6 }),
  });
}

const specJson = () =>
  JSON.parse((screen.getByTestId('grid-spec-json') as HTMLTextAreaElement).value) as Record<string, unknown>;
const startButton = () => screen.getByTestId('start-grid') as HTMLButtonElement;
const axisEditors = () => screen.getAllByTestId('axis-editor');

describe('NewGridView', () => {
  it('starts from the first grid preset and shows its cell count and estimate once checked', async () => {
    const client = workbench();
    renderWithClient(<NewGridView />, client);
    await screen.findByTestId('grid-preset-select');
    expect(specJson()).toEqual(GRID_PRESETS[0].spec);
    expect((within(axisEditors()[0]).getByTestId('axis-values') as HTMLInputElement).value).toBe(
      '0.01, 0.1, 0.5',
    );
    const count = await screen.findByTestId('grid-cell-count');
    expect(count.getAttribute('data-cells')).toBe('3');
    expect(screen.getByTestId('grid-estimate').textContent).toMatch(/About 1 min 15 s on 2 workers/);
    await waitFor(() => expect(startButton().disabled).toBe(false));
    expect(startButton().textContent).toBe('Start 3 runs');
    // The header and the side panel give one estimate, in the same words.
    expect(screen.getByTestId('grid-check-status').textContent).toBe('Ready: 3 cells, about 1 min 15 s.');
  });

  it('says a sub-minute grid takes seconds in the header too, never "about 1 min" beside "0.9 s"', async () => {
    const client = workbench(GRID_PRESETS, (spec) => {
      const answer = gridCheckFor(spec);
      return answer.ok && answer.estimate
        ? { ...answer, estimate: { ...answer.estimate, totalSeconds: 0.9 } }
        : answer;
    });
    renderWithClient(<NewGridView />, client);
    await screen.findByTestId('grid-cell-count');
    await waitFor(() =>
      expect(screen.getByTestId('grid-check-status').textContent).toBe('Ready: 3 cells, about 0.9 s.'),
    );
    expect(screen.getByTestId('grid-estimate').textContent).toMatch(/^About 0\.9 s on 2 workers/);
  });

  it('edits axes: values as a list, a new axis over a common field, hidden units, a log range', async () => {
    renderWithClient(<NewGridView />, workbench());
    await screen.findByTestId('grid-cell-count');
    fireEvent.change(within(axisEditors()[0]).getByTestId('axis-values'), {
      target: { value: '0, 0.001, 0.01, 0.1' },
    });
    expect((specJson().axes as unknown[])[0]).toEqual({
      path: 'regularization.l2',
      values: [0, 0.001, 0.01, 0.1],
    });

    fireEvent.click(screen.getByTestId('add-axis'));
    expect(axisEditors()).toHaveLength(2);
    const second = axisEditors()[1];
    fireEvent.change(within(second).getByTestId('axis-path'), { target: { value: 'model.hiddenUnits' } });
    fireEvent.change(within(second).getByTestId('axis-values'), { target: { value: '100; 500 500' } });
    expect((specJson().axes as unknown[])[1]).toEqual({
      path: 'model.hiddenUnits',
      values: [[100], [500, 500]],
    });
    await waitFor(() => expect(screen.getByTestId('grid-cell-count').getAttribute('data-cells')).toBe('8'));

    fireEvent.change(within(second).getByTestId('axis-path'), { target: { value: 'training.learningRate' } });
    expect((specJson().axes as unknown[])[1]).toEqual({
      path: 'training.learningRate',
      range: { min: 0.0001, max: 0.01, count: 3, scale: 'log' },
    });
    fireEvent.change(within(axisEditors()[1]).getByTestId('axis-range-count'), { target: { value: '5' } });
    expect((specJson().axes as { range: { count: number } }[])[1].range.count).toBe(5);

    fireEvent.change(within(axisEditors()[1]).getByTestId('axis-path'), { target: { value: '@other' } });
    fireEvent.change(within(axisEditors()[1]).getByTestId('axis-path-other'), {
      target: { value: 'model.activation' },
    });
    fireEvent.click(within(axisEditors()[1]).getByTestId('axis-mode-list'));
    fireEvent.change(within(axisEditors()[1]).getByTestId('axis-values'), {
      target: { value: 'relu, tanh' },
    });
    expect((specJson().axes as unknown[])[1]).toEqual({ path: 'model.activation', values: ['relu', 'tanh'] });

    fireEvent.click(within(axisEditors()[1]).getByTestId('remove-axis'));
    expect(specJson().axes).toHaveLength(1);
  });

  it('keeps the form and the JSON view in sync both ways', async () => {
    renderWithClient(<NewGridView />, workbench());
    await screen.findByTestId('grid-cell-count');
    fireEvent.change(screen.getByTestId('grid-epochs'), { target: { value: '5' } });
    fireEvent.change(screen.getByTestId('grid-repeats'), { target: { value: '3' } });
    fireEvent.change(screen.getByTestId('grid-order'), { target: { value: 'shuffled' } });
    expect(specJson()).toMatchObject({
      override: { training: { epochs: 5 } },
      repeats: 3,
      order: 'shuffled',
    });
    expect(JSON.parse((screen.getByTestId('grid-override') as HTMLTextAreaElement).value)).toEqual({
      training: { epochs: 5 },
    });

    const edited = {
      ...specJson(),
      name: 'edited in JSON',
      axes: [{ path: 'training.optimizer', values: ['sgd', 'adam'] }],
    };
    fireEvent.change(screen.getByTestId('grid-spec-json'), { target: { value: JSON.stringify(edited) } });
    expect((screen.getByTestId('grid-name') as HTMLInputElement).value).toBe('edited in JSON');
    expect((within(axisEditors()[0]).getByTestId('axis-values') as HTMLInputElement).value).toBe('sgd, adam');
    expect((within(axisEditors()[0]).getByTestId('axis-path') as HTMLSelectElement).value).toBe(
      'training.optimizer',
    );

    fireEvent.change(screen.getByTestId('grid-spec-json'), { target: { value: '{ nope' } });
    expect(screen.getByTestId('grid-spec-json-error').textContent).toMatch(/Not valid JSON/);
    expect(startButton().disabled).toBe(true);
  });

  it('flags a bad cell next to the axis it comes from and in the grid panel, and disables Start', async () => {
    renderWithClient(<NewGridView />, workbench());
    await screen.findByTestId('grid-cell-count');
    fireEvent.change(within(axisEditors()[0]).getByTestId('axis-values'), {
      target: { value: '0.01, abc, 0.5' },
    });
    const inline = await waitFor(() => within(axisEditors()[0]).getByTestId('field-error'));
    expect(inline.getAttribute('data-path')).toBe('cells.1');
    expect(inline.textContent).toMatch(/cell 1 \(λ=abc\): regularization.l2: expected a number/);
    expect(within(axisEditors()[0]).getByTestId('axis-values').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('bad-cell').textContent).toMatch(/cell 1 \(λ=abc\)/);
    expect(screen.getByTestId('grid-check-status').textContent).toBe('1 problem to fix before starting.');
    expect(startButton().disabled).toBe(true);

    fireEvent.change(within(axisEditors()[0]).getByTestId('axis-values'), { target: { value: '0.01, 0.1' } });
    fireEvent.click(screen.getByTestId('add-axis'));
    fireEvent.click(within(axisEditors()[1]).getByTestId('axis-mode-range'));
    fireEvent.change(within(axisEditors()[1]).getByTestId('axis-range-min'), { target: { value: '0.9' } });
    fireEvent.change(within(axisEditors()[1]).getByTestId('axis-range-max'), { target: { value: '0.1' } });
    const rangeIssue = await waitFor(() => within(axisEditors()[1]).getByTestId('field-error'));
    expect(rangeIssue.getAttribute('data-path')).toBe('axes.1.range.max');
    expect(within(axisEditors()[0]).queryByTestId('field-error')).toBeNull();
    expect(startButton().disabled).toBe(true);
  });

  it('uses a run preset or an earlier run as the base', async () => {
    renderWithClient(<NewGridView />, workbench());
    await screen.findByTestId('grid-cell-count');
    fireEvent.change(screen.getByTestId('grid-base'), { target: { value: 'preset:e7-iris-nesterov' } });
    expect(specJson().base).toBe('e7-iris-nesterov');
    fireEvent.change(screen.getByTestId('grid-base'), { target: { value: 'run:run-old' } });
    expect(specJson().base).toBe('run-old');
    fireEvent.change(screen.getByTestId('grid-preset-select'), { target: { value: 'e7-grid-optimizer' } });
    expect(specJson()).toEqual(GRID_PRESETS[1].spec);
  });

  it('starts the grid with the spec as edited and opens its page', async () => {
    const client = workbench();
    renderWithClient(<NewGridView />, client);
    await screen.findByTestId('grid-cell-count');
    fireEvent.change(screen.getByTestId('grid-name'), { target: { value: 'my grid' } });
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.click(startButton());
    await waitFor(() => expect(window.location.hash).toBe('#/grids/grid-new'));
    const [params] = client.callsOf('grids.start') as { spec: { name: string; axes: unknown[] } }[];
    expect(params.spec.name).toBe('my grid');
    expect(params.spec.axes).toEqual([{ path: 'regularization.l2', values: [0.01, 0.1, 0.5] }]);
  });

  it('disables Start while the override is not valid JSON, counting it, and keeps the text on form edits', async () => {
    const client = workbench();
    renderWithClient(<NewGridView />, client);
    await screen.findByTestId('grid-cell-count');
    fireEvent.change(screen.getByTestId('grid-preset-select'), { target: { value: 'e7-grid-optimizer' } });
    await waitFor(() => expect(startButton().disabled).toBe(false));
    const override = () => screen.getByTestId('grid-override') as HTMLTextAreaElement;
    const broken = '{"training": {"epochs": 5}';
    fireEvent.change(override(), { target: { value: broken } });
    expect(screen.getByTestId('grid-override-error').textContent).toMatch(/Not valid JSON/);
    await waitFor(() =>
      expect(screen.getByTestId('grid-check-status').textContent).toBe('1 problem to fix before starting.'),
    );
    expect(startButton().disabled).toBe(true);
    expect(startButton().textContent).toBe('Start grid');

    // A form field edited meanwhile changes the spec but not the text being typed.
    fireEvent.change(screen.getByTestId('grid-epochs'), { target: { value: '7' } });
    fireEvent.change(screen.getByTestId('grid-name'), { target: { value: 'renamed' } });
    expect(override().value).toBe(broken);
    expect(screen.getByTestId('grid-override-changed').textContent).toMatch(/Your text is kept/);
    await waitFor(() => expect(client.callsOf('grids.check').length).toBeGreaterThan(2));
    expect(screen.getByTestId('grid-check-status').textContent).toBe('1 problem to fix before starting.');
    expect(startButton().disabled).toBe(true);

    // Finished, it is the override; Start trains with it.
    fireEvent.change(override(), { target: { value: `${broken}}` } });
    expect(specJson().override).toEqual({ training: { epochs: 5 } });
    expect(screen.queryByTestId('grid-override-changed')).toBeNull();
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.click(startButton());
    await waitFor(() => expect(client.callsOf('grids.start')).toHaveLength(1));
    const [params] = client.callsOf('grids.start') as { spec: { override: unknown; name: string } }[];
    expect(params.spec).toMatchObject({ name: 'renamed', override: { training: { epochs: 5 } } });
  });

  it('keeps an unfinished grid spec JSON when a form field changes, until the user drops it', async () => {
    renderWithClient(<NewGridView />, workbench());
    await screen.findByTestId('grid-cell-count');
    const json = () => screen.getByTestId('grid-spec-json') as HTMLTextAreaElement;
    fireEvent.change(json(), { target: { value: '{"name": "half typed' } });
    fireEvent.change(screen.getByTestId('grid-name'), { target: { value: 'from the form' } });
    fireEvent.change(screen.getByTestId('grid-repeats'), { target: { value: '2' } });
    expect(json().value).toBe('{"name": "half typed');
    expect(screen.getByTestId('grid-spec-json-error').textContent).toMatch(/Not valid JSON/);
    expect(screen.getByTestId('grid-check-status').textContent).toBe('Fix the JSON to check the grid.');
    expect(startButton().disabled).toBe(true);
    fireEvent.click(screen.getByTestId('grid-spec-json-changed-take'));
    expect(specJson()).toMatchObject({ name: 'from the form', repeats: 2 });
    expect(screen.queryByTestId('grid-spec-json-error')).toBeNull();
    await waitFor(() => expect(startButton().disabled).toBe(false));
  });

  it('drops a preset’s description once the grid is no longer the preset’s, and keeps the user’s own', async () => {
    const described = GRID_PRESETS.map((p, i) => ({
      ...p,
      spec: {
        ...(p.spec as object),
        description: i === 0 ? 'E5: L2 on MNIST, 200 epochs.' : 'E7: Iris, 350 epochs.',
      },
    }));
    const client = workbench(described);
    renderWithClient(<NewGridView />, client);
    await screen.findByTestId('grid-cell-count');
    const description = () => (screen.getByTestId('grid-description') as HTMLTextAreaElement).value;
    expect(description()).toBe('E5: L2 on MNIST, 200 epochs.');
    // "(none)", then another base: the preset's text does not stay behind.
    fireEvent.change(screen.getByTestId('grid-preset-select'), { target: { value: '' } });
    expect(description()).toBe('');
    expect(specJson().description).toBeUndefined();

    // A renamed preset grid keeps it; one trained for other epochs does not, and is started without it.
    fireEvent.change(screen.getByTestId('grid-preset-select'), { target: { value: 'e7-grid-optimizer' } });
    expect(description()).toBe('E7: Iris, 350 epochs.');
    fireEvent.change(screen.getByTestId('grid-name'), { target: { value: 'longer' } });
    expect(description()).toBe('E7: Iris, 350 epochs.');
    fireEvent.change(screen.getByTestId('grid-epochs'), { target: { value: '4000' } });
    expect(description()).toBe('');
    expect(screen.getByTestId('grid-description-dropped').textContent).toMatch(/no longer trains/);
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.click(startButton());
    await waitFor(() => expect(client.callsOf('grids.start')).toHaveLength(1));
    const [params] = client.callsOf('grids.start') as { spec: Record<string, unknown> }[];
    expect(params.spec.description).toBeUndefined();
    expect(params.spec.override).toEqual({ training: { epochs: 4000 } });

    // Written by the user, a description stays whatever changes.
    fireEvent.change(screen.getByTestId('grid-preset-select'), { target: { value: 'e7-grid-optimizer' } });
    fireEvent.change(screen.getByTestId('grid-description'), { target: { value: 'E7, my own words' } });
    fireEvent.change(screen.getByTestId('grid-base'), { target: { value: 'preset:e2-mlp-sgd-momentum' } });
    expect(description()).toBe('E7, my own words');
  });

  it('runs every cell on a dataset picked from the store, imported ones named with their classes', async () => {
    renderWithClient(<NewGridView />, workbench());
    const picker = (await screen.findByTestId('grid-dataset')) as HTMLSelectElement;
    const labels = [...picker.options].map((o) => o.textContent);
    expect(labels).toContain('notMNIST (notmnist, 10 classes, imported)');
    expect(labels[0]).toBe('as the base');
    fireEvent.change(picker, { target: { value: 'notmnist' } });
    await waitFor(() =>
      expect((specJson().override as { dataset?: { id?: string } }).dataset?.id).toBe('notmnist'),
    );
    fireEvent.change(picker, { target: { value: '' } });
    await waitFor(() =>
      expect((specJson().override as { dataset?: unknown } | undefined)?.dataset).toBeUndefined(),
    );
  });

  it('writes pruning into the spec, and shows the server’s pruning issues next to the field each names', async () => {
    // The server's check: one line per bad pruning field, as grids.check reports them.
    const client = workbench(GRID_PRESETS, (spec) => {
      const pruning = (spec as { pruning?: { minEpochs?: unknown; reductionFactor?: unknown } }).pruning;
      const issues: { path: string; message: string }[] = [];
      if (pruning && typeof pruning.minEpochs === 'number' && pruning.minEpochs >= 9)
        issues.push({
          path: 'pruning.minEpochs',
          message: `${pruning.minEpochs} is not below the grid's full 9 epochs (training.epochs)`,
        });
      if (pruning && typeof pruning.reductionFactor === 'number' && pruning.reductionFactor < 2)
        issues.push({ path: 'pruning.reductionFactor', message: 'expected a number ≥ 2' });
      return issues.length > 0 ? { ok: false, issues } : gridCheckFor(spec);
    });
    renderWithClient(<NewGridView />, client);
    const kind = (await screen.findByTestId('grid-pruning-kind')) as HTMLSelectElement;
    expect(kind.value).toBe('none');
    expect(screen.queryByTestId('grid-pruning-eta')).toBeNull();
    fireEvent.change(kind, { target: { value: 'hyperband' } });
    expect(specJson().pruning).toEqual({
      kind: 'hyperband',
      monitor: 'valLoss',
      minEpochs: 1,
      reductionFactor: 3,
    });
    fireEvent.change(screen.getByTestId('grid-pruning-monitor'), { target: { value: 'valAcc' } });
    fireEvent.change(screen.getByTestId('grid-pruning-min-epochs'), { target: { value: '9' } });
    fireEvent.change(screen.getByTestId('grid-pruning-eta'), { target: { value: '1.5' } });
    expect(specJson().pruning).toEqual({
      kind: 'hyperband',
      monitor: 'valAcc',
      minEpochs: 9,
      reductionFactor: 1.5,
    });
    const rowOf = (testId: string) => screen.getByTestId(testId).closest('.form-row') as HTMLElement;
    await waitFor(() =>
      expect(within(rowOf('grid-pruning-eta')).getByTestId('field-error').textContent).toBe(
        'expected a number ≥ 2',
      ),
    );
    expect(
      within(rowOf('grid-pruning-min-epochs')).getByTestId('field-error').getAttribute('data-path'),
    ).toBe('pruning.minEpochs');
    expect(within(rowOf('grid-pruning-monitor')).queryByTestId('field-error')).toBeNull();
    expect(startButton().disabled).toBe(true);
    expect(screen.getByTestId('grid-check-status').textContent).toBe('2 problems to fix before starting.');

    // With the epochs in the form, where the rungs fall.
    fireEvent.change(screen.getByTestId('grid-pruning-min-epochs'), { target: { value: '1' } });
    fireEvent.change(screen.getByTestId('grid-pruning-eta'), { target: { value: '3' } });
    fireEvent.change(screen.getByTestId('grid-epochs'), { target: { value: '9' } });
    expect(screen.getByTestId('grid-pruning-rungs').textContent).toBe(
      'With R = 9: bracket s = 2 rungs at 1, 3; bracket s = 1 rungs at 3; bracket s = 0 trains to R.',
    );
    await waitFor(() => expect(startButton().disabled).toBe(false));

    fireEvent.change(kind, { target: { value: 'none' } });
    expect(specJson().pruning).toBeUndefined();
  });
});
