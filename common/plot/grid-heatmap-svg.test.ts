// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { gridHeatmap, type HeatmapInputCell } from '../grid/heatmap';
import { fullGridCells, HIDDEN_AXIS, L2_AXIS, LR_AXIS } from '../grid/test-fixtures';
import type { GridCellResult } from '../grid/types';
import { VIRIDIS } from './grid-colour-scale';
import { renderHeatmapSvg, type HeatmapSvgOptions } from './grid-heatmap-svg';

function parseSvg(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const error = doc.querySelector('parsererror');
  if (error) throw new Error(`malformed SVG: ${error.textContent}`);
  return doc;
}

const asCells = (results: readonly GridCellResult[]): HeatmapInputCell[] =>
  results.map((r) => ({
    values: r.values,
    status: r.status,
    value: r.atBest?.valLoss ?? null,
    runId: r.runId,
  }));

const OPTIONS: HeatmapSvgOptions = {
  title: 'E5 <small> & co: validation loss',
  xTitle: 'lr (training.learningRate)',
  yTitle: 'λ (regularization.l2)',
  valueTitle: 'val loss @best',
  lowerIsBetter: true,
  formatValue: (v) => v.toFixed(2),
};

function matrix(mutate: (cells: GridCellResult[]) => void = () => {}) {
  const results = fullGridCells(
    [L2_AXIS, LR_AXIS],
    (v) => (v['regularization.l2'] as number) + (v['training.learningRate'] as number) * 100,
  );
  mutate(results);
  return gridHeatmap([L2_AXIS, LR_AXIS], asCells(results), {
    x: 'training.learningRate',
    y: 'regularization.l2',
  });
}

const texts = (doc: Document, selector: string) =>
  [...doc.querySelectorAll(selector)].map((t) => t.textContent);

describe('renderHeatmapSvg', () => {
  it('labels the axes with their real values and titles, and the colour bar with the metric', () => {
    const doc = parseSvg(renderHeatmapSvg(matrix(), OPTIONS));
    expect(doc.querySelector('rect')?.getAttribute('fill')).toBe('#ffffff');
    expect(texts(doc, '.x-ticks text')).toEqual(['1e-4', '1e-3', '0.01']);
    expect(texts(doc, '.y-ticks text')).toEqual(['0.01', '0.1', '0.5']);
    expect(doc.querySelector('.x-title')?.textContent).toBe('lr (training.learningRate)');
    expect(doc.querySelector('.y-title')?.textContent).toBe('λ (regularization.l2)');
    expect(doc.querySelector('.colour-title')?.textContent).toBe('val loss @best (lower is better)');
    expect(texts(doc, 'text')).toContain('E5 <small> & co: validation loss');
  });

  it('labels every k-th level where all of them would overlap (50 learning rates), with every cell still drawn', () => {
    const lr = { ...LR_AXIS, values: Array.from({ length: 50 }, (_, i) => 0.002 * 1.1 ** i) };
    const results = fullGridCells([L2_AXIS, lr], (v) => v['training.learningRate'] as number);
    const many = gridHeatmap([L2_AXIS, lr], asCells(results), {
      x: 'regularization.l2',
      y: 'training.learningRate',
    });
    const doc = parseSvg(renderHeatmapSvg(many, OPTIONS));
    const ys = [...doc.querySelectorAll('.y-ticks text')].map((t) => Number(t.getAttribute('y')));
    expect(ys.length).toBeGreaterThan(1);
    expect(ys.length).toBeLessThan(50);
    // Adjacent labels at least a line apart.
    for (let k = 1; k < ys.length; k += 1) expect(Math.abs(ys[k] - ys[k - 1])).toBeGreaterThanOrEqual(12);
    expect(texts(doc, '.y-ticks text')[0]).toBe(many.y?.labels[0]);
    // Three levels across still all labelled; every one of the 150 cells drawn.
    expect(texts(doc, '.x-ticks text')).toEqual(['0.01', '0.1', '0.5']);
    expect(doc.querySelectorAll('.cells > rect').length).toBe(150);
  });

  it('colours the lowest and highest value with the two ends of the scale and outlines the best', () => {
    const doc = parseSvg(renderHeatmapSvg(matrix(), OPTIONS));
    const cells = [...doc.querySelectorAll('.cells rect')];
    expect(cells).toHaveLength(9);
    // Bottom-left is (λ=0.01, lr=1e-4), the lowest; top-right (λ=0.5, lr=0.01) the highest.
    const fills = cells.map((c) => c.getAttribute('fill'));
    expect(fills[0]).toBe(VIRIDIS[0]);
    expect(fills[8]).toBe(VIRIDIS[VIRIDIS.length - 1]);
    const best = doc.querySelector('rect.best')!;
    expect(best.getAttribute('x')).toBe(String(Number(cells[0].getAttribute('x')) + 1.5));
    expect(Number(cells[0].getAttribute('y'))).toBeGreaterThan(Number(cells[8].getAttribute('y')));
    expect(texts(doc, '.cells text')[0]).toBe('0.02');
    // Higher is better: the best is the other corner.
    const flipped = parseSvg(renderHeatmapSvg(matrix(), { ...OPTIONS, lowerIsBetter: false }));
    expect(flipped.querySelector('rect.best')?.getAttribute('x')).toBe(
      String(Number(cells[8].getAttribute('x')) + 1.5),
    );
  });

  it('hatches and names failed and diverged cells, marks unfinished ones, and footnotes partial means', () => {
    const m = matrix((cells) => {
      cells[4] = { ...cells[4], status: 'failed', atBest: null };
      cells[5] = { ...cells[5], status: 'diverged' };
      cells[6] = { ...cells[6], status: 'running' };
    });
    const doc = parseSvg(renderHeatmapSvg(m, OPTIONS));
    const cellTexts = texts(doc, '.cells text');
    expect(cellTexts.filter((t) => t === 'failed')).toHaveLength(1);
    expect(cellTexts.filter((t) => t === 'diverged')).toHaveLength(1);
    expect(cellTexts.filter((t) => t === '…')).toHaveLength(1);
    expect(
      [...doc.querySelectorAll('.cells rect')].filter(
        (r) => r.getAttribute('fill') === 'url(#grid-heatmap-hatch)',
      ),
    ).toHaveLength(2);
    expect(doc.querySelector('pattern#grid-heatmap-hatch')).toBeTruthy();
  });

  it('states how the other axes were reduced and marks means over fewer runs', () => {
    const axes = [L2_AXIS, LR_AXIS, HIDDEN_AXIS];
    const results = fullGridCells(axes, () => 0.5);
    results[1] = { ...results[1], status: 'failed', atBest: null };
    const m = gridHeatmap(axes, asCells(results), { x: 'training.learningRate', y: 'regularization.l2' });
    const doc = parseSvg(renderHeatmapSvg(m, OPTIONS));
    const notes = texts(doc, '.note');
    expect(notes[0]).toBe('mean over hidden (2 levels)');
    expect(notes[1]).toMatch(/^\* mean over fewer runs/);
    expect(texts(doc, '.cells text')[0]).toBe('0.50*');
  });
});
