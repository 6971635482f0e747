// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { gridParcoords } from '../grid/parcoords';
import { fullGridCells, HIDDEN_AXIS, LR_AXIS } from '../grid/test-fixtures';
import { renderParcoordsSvg, type ParcoordsSvgOptions } from './grid-parcoords-svg';

function parseSvg(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const error = doc.querySelector('parsererror');
  if (error) throw new Error(`malformed SVG: ${error.textContent}`);
  return doc;
}

const OPTIONS: ParcoordsSvgOptions = {
  title: 'E7 Iris grid',
  formatMetric: (v) => v.toFixed(3),
  lowerIsBetter: true,
};

function data() {
  const axes = [LR_AXIS, HIDDEN_AXIS];
  const results = fullGridCells(
    axes,
    (v) => (v['training.learningRate'] as number) * 10 + (v['model.hiddenUnits'] as number[])[0] / 100,
  );
  return gridParcoords(axes, results, [{ at: 'best', metric: 'valLoss' }], { at: 'best', metric: 'valLoss' });
}

const axisTicks = (doc: Document, key: string) =>
  [...doc.querySelectorAll(`.axis[data-key="${key}"] text`)]
    .map((t) => t.textContent)
    .filter((t) => t !== '(log scale)');

describe('renderParcoordsSvg', () => {
  it('draws one axis per dimension with its real values as ticks, and one line per run', () => {
    const doc = parseSvg(renderParcoordsSvg(data(), OPTIONS));
    expect([...doc.querySelectorAll('.axis-title')].map((t) => t.textContent)).toEqual([
      'lr',
      'hidden',
      'val loss @best',
    ]);
    expect(axisTicks(doc, 'axis:training.learningRate').slice(1)).toEqual(['1e-4', '1e-3', '0.01']);
    expect(doc.querySelector('.axis[data-key="axis:training.learningRate"]')?.textContent).toContain(
      '(log scale)',
    );
    expect(axisTicks(doc, 'axis:model.hiddenUnits').slice(1)).toEqual(['4', '16']);
    expect(doc.querySelectorAll('.lines path')).toHaveLength(6);
    expect(doc.querySelectorAll('.lines-outside path')).toHaveLength(0);
    expect(doc.querySelector('.colour-title')?.textContent).toBe('val loss @best (lower is better)');
  });

  it('keeps the colour bar and its rotated title inside the figure', () => {
    const doc = parseSvg(renderParcoordsSvg(data(), { ...OPTIONS, width: 960 }));
    const transform = doc.querySelector('.colour-title')?.getAttribute('transform') ?? '';
    const x = Number(/translate\(([\d.]+)/.exec(transform)?.[1]);
    // The glyphs of a 13 px title rotated by 90° reach about one font size right of its baseline.
    expect(x + 13).toBeLessThanOrEqual(960);
    const bar = doc.querySelector('.colour-bar rect')!;
    const lastAxis = [...doc.querySelectorAll('.axis path')].at(-1)!.getAttribute('d') ?? '';
    expect(Number(bar.getAttribute('x'))).toBeGreaterThan(Number(/M([\d.]+)/.exec(lastAxis)?.[1]) + 20);
  });

  it('puts equal log steps at equal distances', () => {
    const doc = parseSvg(renderParcoordsSvg(data(), OPTIONS));
    const ys = [...doc.querySelectorAll('.axis[data-key="axis:training.learningRate"] text')]
      .filter((t) => t.textContent !== '(log scale)' && t.textContent !== 'lr')
      .map((t) => Number(t.getAttribute('y')));
    expect(ys[0] - ys[1]).toBeCloseTo(ys[1] - ys[2], 1);
  });

  it('greys the runs outside a brush and draws the brushed interval', () => {
    const doc = parseSvg(
      renderParcoordsSvg(data(), { ...OPTIONS, constraints: { 'axis:model.hiddenUnits': [[0.5, 1.5]] } }),
    );
    expect(doc.querySelectorAll('.lines path')).toHaveLength(3);
    expect(doc.querySelectorAll('.lines-outside path')).toHaveLength(3);
    expect(doc.querySelectorAll('.axis[data-key="axis:model.hiddenUnits"] rect.brush')).toHaveLength(1);
  });

  it('says so when no run has finished', () => {
    const empty = {
      ...data(),
      lines: [],
      colour: [],
      dimensions: data().dimensions.map((d) => ({ ...d, values: [] })),
    };
    const doc = parseSvg(renderParcoordsSvg(empty, OPTIONS));
    expect([...doc.querySelectorAll('text')].some((t) => t.textContent === 'no finished runs')).toBe(true);
  });
});
