// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { confusionFigure, differenceFigure, formatShare } from '../model-eval/confusion-figure';
import { renderConfusionSvg } from './confusion-svg';
import { divergingColourFor, DIVERGING } from './diverging-colour-scale';
import { VIRIDIS } from './grid-colour-scale';

function parseSvg(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const error = doc.querySelector('parsererror');
  if (error) throw new Error(`malformed SVG: ${error.textContent}`);
  return doc;
}

const texts = (doc: Document, selector: string) =>
  [...doc.querySelectorAll(selector)].map((t) => t.textContent);

const A = {
  classes: ['cat', 'dog', 'bird'],
  confusion: [
    [2, 1, 1],
    [1, 2, 0],
    [0, 2, 1],
  ],
};
const B = {
  classes: ['cat', 'dog', 'bird'],
  confusion: [
    [4, 0, 0],
    [0, 3, 0],
    [0, 1, 2],
  ],
};

describe('confusionFigure', () => {
  it('counts: the matrix as it is, on [0, max]', () => {
    const figure = confusionFigure(A, 'counts');
    expect(figure.values).toEqual(A.confusion);
    expect(figure.text[0]).toEqual(['2', '1', '1']);
    expect(figure.range).toEqual({ min: 0, max: 2 });
    expect(figure.valueTitle).toBe('examples');
  });

  it('normalised: shares of the true class, on [0, 1]', () => {
    const figure = confusionFigure(A, 'normalised');
    expect(figure.text[0]).toEqual(['50.0%', '25.0%', '25.0%']);
    expect(figure.text[2]).toEqual(['0', '66.7%', '33.3%']);
    expect(figure.range).toEqual({ min: 0, max: 1 });
  });

  it('difference: B − A signed, on a scale symmetric around 0', () => {
    const figure = differenceFigure(A, B, 'counts');
    expect(figure.text).toEqual([
      ['+2', '−1', '−1'],
      ['−1', '+1', ''],
      ['', '−1', '+1'],
    ]);
    expect(figure.range).toEqual({ min: -2, max: 2 });
    expect(figure.scale).toBe('diverging');
    expect(formatShare(-0.25, true)).toBe('−25.0%');
  });
});

describe('divergingColourFor', () => {
  it('is blue at −limit, white at 0 and red at +limit', () => {
    expect(divergingColourFor(-3, 3)).toBe(DIVERGING[0]);
    expect(divergingColourFor(0, 3)).toBe('#f7f7f7');
    expect(divergingColourFor(3, 3)).toBe(DIVERGING.at(-1));
    expect(divergingColourFor(10, 3)).toBe(DIVERGING.at(-1));
  });
});

describe('renderConfusionSvg', () => {
  it('names the classes on both axes, true classes top down, with values in the cells and a titled bar', () => {
    const doc = parseSvg(
      renderConfusionSvg(confusionFigure(A, 'counts'), {
        title: 'run <a> & b: confusion',
        subtitle: 'epoch 3, validation split',
      }),
    );
    expect(doc.querySelector('rect')?.getAttribute('fill')).toBe('#ffffff');
    expect(doc.querySelector('.title')?.textContent).toBe('run <a> & b: confusion');
    expect(doc.querySelector('.subtitle')?.textContent).toBe('epoch 3, validation split');
    expect(texts(doc, '.x-ticks text')).toEqual(['cat', 'dog', 'bird']);
    expect(texts(doc, '.y-ticks text')).toEqual(['cat', 'dog', 'bird']);
    expect(doc.querySelector('.x-title')?.textContent).toBe('predicted class');
    expect(doc.querySelector('.y-title')?.textContent).toBe('true class');
    expect(doc.querySelector('.colour-title')?.textContent).toBe('examples');
    const cells = [...doc.querySelectorAll('.cells rect')];
    expect(cells).toHaveLength(9);
    // The largest count takes the top of viridis; the first row is the top one.
    expect(cells[0].getAttribute('fill')).toBe(VIRIDIS.at(-1));
    const ys = cells.map((c) => Number(c.getAttribute('y')));
    expect(ys[0]).toBeLessThan(ys[3]);
    expect(cells[1].querySelector('title')?.textContent).toBe('true cat, predicted dog (wrong): 1');
    expect(texts(doc, '.cells text')).toEqual(['2', '1', '1', '1', '2', '0', '0', '2', '1']);
    expect(texts(doc, '.colour-bar text').slice(1)).toEqual(['0', '1', '2']);
  });

  it('draws a difference on the diverging scale with signed ticks', () => {
    const doc = parseSvg(renderConfusionSvg(differenceFigure(A, B, 'counts'), { title: 'B − A' }));
    expect([...doc.querySelectorAll('stop')].map((s) => s.getAttribute('stop-color'))).toEqual([
      ...DIVERGING,
    ]);
    expect(doc.querySelector('.cells rect')?.getAttribute('fill')).toBe(DIVERGING.at(-1));
    expect(texts(doc, '.colour-bar text').slice(1)).toEqual(['−2', '−1', '0', '+1', '+2']);
  });

  it('slants long class names and leaves values out of cells too small to read them', () => {
    const classes = Array.from({ length: 40 }, (_, i) => `class number ${i}`);
    const confusion = classes.map((_, i) => classes.map((__, j) => (i === j ? 10 : 0)));
    const doc = parseSvg(
      renderConfusionSvg(confusionFigure({ classes, confusion }, 'counts'), { title: 't' }),
    );
    expect(doc.querySelectorAll('.cells rect')).toHaveLength(1600);
    expect(doc.querySelectorAll('.cells text')).toHaveLength(0);
    expect(doc.querySelector('.x-ticks text')?.getAttribute('transform')).toMatch(/^rotate\(-45 /);
  });
});
