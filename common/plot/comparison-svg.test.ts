// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { ComparisonSeries } from '../compare/comparison';
import { comparisonFigure, renderComparisonSvg, type SvgPlotOptions } from './comparison-svg';
import { DASHES, PALETTE } from './series-style';

/** A strict XML parse (jsdom's DOMParser): anything malformed, e.g. an unescaped "&", is an error. */
function parseSvg(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const error = doc.querySelector('parsererror');
  if (error) throw new Error(`malformed SVG: ${error.textContent}`);
  return doc;
}

function series(
  runId: string,
  label: string,
  y: (number | null)[],
  x = y.map((_, i) => i + 1),
): ComparisonSeries {
  return { runId, metric: 'valLoss', label, x, y, raw: y };
}

/** A falling loss curve with some noise. */
function curve(n: number, seed: number): number[] {
  return Array.from(
    { length: n },
    (_, i) => 2 * Math.exp(-i / (5 + seed)) + 0.1 + 0.02 * Math.sin(i * 1.3 + seed),
  );
}

const options: SvgPlotOptions = { xTitle: 'epoch', yTitle: 'validation loss', yScale: 'linear' };

function numbersIn(path: string): number[] {
  return (path.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
}

describe('renderComparisonSvg', () => {
  it('the XML check used here does reject malformed SVG', () => {
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>a & b</text></svg>')).toThrow();
  });

  it('is well-formed SVG with a white background, axis titles and every label in the legend', () => {
    const labels = ['E5 <λ=0.1> & "quoted"', "it's E6 · keep p=0.5", 'plain'];
    const svg = renderComparisonSvg(
      labels.map((l, i) => series(`r${i}`, l, curve(20, i))),
      { ...options, title: 'Validation <loss>' },
    );
    const doc = parseSvg(svg);
    const root = doc.documentElement;
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('font-family')).toBe('DejaVu Sans, Arial, Helvetica, sans-serif');
    expect(doc.querySelector('rect')?.getAttribute('fill')).toBe('#ffffff');
    const legendTexts = [...doc.querySelectorAll('.legend text')].map((t) => t.textContent);
    expect(legendTexts).toEqual(labels);
    expect(doc.querySelector('.x-title')?.textContent).toBe('epoch');
    expect(doc.querySelector('.y-title')?.textContent).toBe('validation loss');
    expect([...doc.querySelectorAll('text')].some((t) => t.textContent === 'Validation <loss>')).toBe(true);
  });

  it('puts a short legend to the right of the plot, beyond its lines', () => {
    const svg = renderComparisonSvg(
      [series('a', 'run a', curve(30, 1)), series('b', 'run b', curve(30, 2))],
      options,
    );
    const doc = parseSvg(svg);
    expect(Number(doc.documentElement.getAttribute('width'))).toBeGreaterThan(800);
    expect(Number(doc.documentElement.getAttribute('height'))).toBe(500);
    const plotRight = Math.max(
      ...[...doc.querySelectorAll('.series path')].flatMap((p) => xs(p.getAttribute('d') ?? '')),
    );
    for (const text of doc.querySelectorAll('.legend text')) {
      expect(Number(text.getAttribute('x'))).toBeGreaterThan(plotRight);
    }
  });

  it('handles 55 series: legend below the plot, every series its own colour and dash combination', () => {
    const many = Array.from({ length: 55 }, (_, i) =>
      series(`run-${i}`, `sweep · λ=${i / 100}`, curve(40, i)),
    );
    const svg = renderComparisonSvg(many, options);
    const doc = parseSvg(svg);
    const height = Number(doc.documentElement.getAttribute('height'));
    expect(height).toBeGreaterThan(500);
    const legendTexts = [...doc.querySelectorAll('.legend text')];
    expect(legendTexts.map((t) => t.textContent)).toEqual(many.map((s) => s.label));
    // Below the x-axis title (and so below every line): the figure without legend is 500 px high.
    for (const t of legendTexts) expect(Number(t.getAttribute('y'))).toBeGreaterThan(500);
    for (const t of legendTexts) expect(Number(t.getAttribute('y'))).toBeLessThanOrEqual(height);
    const paths = [...doc.querySelectorAll('.series path')];
    expect(paths).toHaveLength(55);
    const styles = paths.map(
      (p) => `${p.getAttribute('stroke')} ${p.getAttribute('stroke-dasharray') ?? 'solid'}`,
    );
    expect(new Set(styles).size).toBe(Math.min(55, PALETTE.length * DASHES.length));
    // Beyond the palette, dashes take over: run 8 has run 1's colour, not its line.
    expect(paths[PALETTE.length].getAttribute('stroke')).toBe(paths[0].getAttribute('stroke'));
    expect(paths[PALETTE.length].getAttribute('stroke-dasharray')).toBeTruthy();
    expect(paths[0].hasAttribute('stroke-dasharray')).toBe(false);
    expect(new Set(paths.map((p) => p.getAttribute('stroke')))).toEqual(new Set(PALETTE));
  });

  it('draws every point inside the plot area', () => {
    const svg = renderComparisonSvg([series('a', 'a', [5, -3, 12.5, 0.001])], options);
    const doc = parseSvg(svg);
    const d = doc.querySelector('.series path')?.getAttribute('d') ?? '';
    const axis = doc.querySelector('path[stroke="#000000"]')?.getAttribute('d') ?? '';
    // The axis path runs from the top-left corner down to the origin and right: M left top V bottom H right.
    const [left, top, bottom, right] = numbersIn(axis);
    const coords = numbersIn(d);
    for (let i = 0; i < coords.length; i += 2) {
      expect(coords[i]).toBeGreaterThanOrEqual(left);
      expect(coords[i]).toBeLessThanOrEqual(right);
      expect(coords[i + 1]).toBeGreaterThanOrEqual(top);
      expect(coords[i + 1]).toBeLessThanOrEqual(bottom);
    }
    // The highest value is drawn highest (smallest y), the lowest lowest.
    const ys = coords.filter((_, i) => i % 2 === 1);
    expect(ys.indexOf(Math.min(...ys))).toBe(2);
    expect(ys.indexOf(Math.max(...ys))).toBe(1);
  });

  it('breaks the line at missing values and shows a lone point as a dot', () => {
    const svg = renderComparisonSvg([series('a', 'gappy', [1, 2, null, 3, 4, null, 5])], options);
    const doc = parseSvg(svg);
    const d = doc.querySelector('.series path')?.getAttribute('d') ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    expect(doc.querySelectorAll('.series circle')).toHaveLength(1);
  });

  it('draws a one-point series as a dot on sensible axes', () => {
    const doc = parseSvg(renderComparisonSvg([series('a', 'one epoch', [0.7])], options));
    expect(doc.querySelectorAll('.series circle')).toHaveLength(1);
    expect(doc.querySelectorAll('.series path')).toHaveLength(0);
    expect([...doc.querySelectorAll('.x-ticks text')].map((t) => t.textContent)).toContain('1');
    expect(doc.documentElement.outerHTML).not.toMatch(/NaN|Infinity/);
  });

  it('labels a log axis at powers of ten and skips values that are not positive', () => {
    const svg = renderComparisonSvg([series('a', 'loss', [2.5, 0.8, 0, -1, 0.05, 0.03])], {
      ...options,
      yScale: 'log',
    });
    const doc = parseSvg(svg);
    expect([...doc.querySelectorAll('.y-ticks text')].map((t) => t.textContent)).toEqual([
      '10⁻²',
      '10⁻¹',
      '10⁰',
      '10¹',
    ]);
    const d = doc.querySelector('.series path')?.getAttribute('d') ?? '';
    // 2.5, 0.8 | 0.05, 0.03: the two non-positive values break the line.
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws raw values faintly behind the smoothed line only when asked', () => {
    const s: ComparisonSeries = {
      runId: 'a',
      metric: 'valLoss',
      label: 'a',
      x: [1, 2, 3],
      y: [1, 1.5, 2],
      raw: [1, 2, 3],
    };
    const withRaw = parseSvg(renderComparisonSvg([s], { ...options, showRaw: true }));
    const raw = withRaw.querySelector('.raw');
    expect(Number(raw?.getAttribute('opacity'))).toBeLessThan(1);
    expect(raw?.querySelectorAll('path')).toHaveLength(1);
    // Behind: earlier in document order than the smoothed lines.
    const all = [...withRaw.querySelectorAll('g')];
    expect(all.indexOf(raw as SVGGElement)).toBeLessThan(
      all.indexOf(withRaw.querySelector('.series') as SVGGElement),
    );
    expect(parseSvg(renderComparisonSvg([s], options)).querySelector('.raw')).toBeNull();
  });

  it('still draws axes when there is nothing to plot', () => {
    const doc = parseSvg(renderComparisonSvg([], { ...options, yScale: 'log' }));
    expect(doc.querySelectorAll('.y-ticks text').length).toBeGreaterThanOrEqual(2);
    expect(doc.querySelector('.legend')).toBeNull();
  });

  it('takes the figure size from the options and rejects sizes it cannot draw', () => {
    const doc = parseSvg(
      renderComparisonSvg([series('a', 'a', [1, 2])], { ...options, width: 1200, height: 700 }),
    );
    expect(Number(doc.documentElement.getAttribute('height'))).toBe(700);
    expect(Number(doc.documentElement.getAttribute('width'))).toBeGreaterThan(1200);
    expect(() => renderComparisonSvg([], { ...options, width: 10 })).toThrow(/width: expected a size in px/);
    expect(() => renderComparisonSvg([], { ...options, height: Number.NaN })).toThrow(/height: expected/);
  });

  it('lets only drawn points shape the axes, and says in the legend which series have no data', () => {
    // An Iris run (350 epochs, no validation split) beside a 5-epoch MNIST run, on validation loss.
    const iris = series(
      'iris',
      'E7 Iris',
      Array.from({ length: 350 }, () => null),
    );
    const mnist = series('mnist', 'E2 MNIST', [2.1, 1.2, 0.8, 0.6, 0.5]);
    const figure = comparisonFigure([iris, mnist], options);
    expect(figure.x.domain).toEqual([1, 5]);
    expect(figure.drawable).toEqual([false, true]);
    const doc = parseSvg(renderComparisonSvg([iris, mnist], options));
    expect([...doc.querySelectorAll('.x-ticks text')].map((t) => t.textContent)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect([...doc.querySelectorAll('.legend text')].map((t) => t.textContent)).toEqual([
      'E7 Iris (no data)',
      'E2 MNIST',
    ]);
    // No swatch for the series that draws nothing: one legend line, for MNIST.
    expect(doc.querySelectorAll('.legend path')).toHaveLength(1);
    expect(doc.querySelectorAll('.series path')).toHaveLength(1);
  });

  it('draws loss and accuracy in stacked panels with their own y axes and one shared x axis', () => {
    const loss = { ...series('a', 'a (validation loss)', [2.3, 1.1, 0.7]), metric: 'valLoss' };
    const acc = { ...series('a', 'a (validation accuracy)', [0.42, 0.81, 0.9]), metric: 'valAcc' };
    const panels = [
      { title: 'validation loss', metrics: ['valLoss'] },
      { title: 'validation accuracy', metrics: ['valAcc'], percent: true },
    ];
    const figure = comparisonFigure([loss, acc], { ...options, panels });
    expect(figure.panels.map((p) => p.series)).toEqual([[0], [1]]);
    expect(figure.panels[0].bottom).toBeLessThan(figure.panels[1].top);
    expect(figure.panels[1].y.labels.every((l) => l.endsWith('%'))).toBe(true);
    expect(figure.panels[0].y.domain[1]).toBeGreaterThanOrEqual(2.3);
    const doc = parseSvg(renderComparisonSvg([loss, acc], { ...options, panels }));
    expect([...doc.querySelectorAll('.y-title')].map((t) => t.textContent)).toEqual([
      'validation loss',
      'validation accuracy',
    ]);
    // x tick labels once, under the lower panel.
    expect(doc.querySelectorAll('.x-ticks')).toHaveLength(1);
    expect(doc.querySelectorAll('.series path')).toHaveLength(2);
  });

  it('drops characters XML cannot hold instead of writing an unreadable file', () => {
    const svg = renderComparisonSvg([series('a', 'bell\u0007 and \uD800 lone surrogate', [1, 2])], options);
    expect(parseSvg(svg).querySelector('.legend text')?.textContent).toBe('bell and  lone surrogate');
  });
});

function xs(d: string): number[] {
  return numbersIn(d).filter((_, i) => i % 2 === 0);
}
