import { describe, expect, it } from 'vitest';
import { colourAt, colourFor, plotlyColourscale, textColourOn, VIRIDIS } from './grid-colour-scale';

describe('grid colour scale', () => {
  it('runs from the first to the last viridis stop, interpolating between stops', () => {
    expect(colourAt(0)).toBe(VIRIDIS[0]);
    expect(colourAt(1)).toBe(VIRIDIS[VIRIDIS.length - 1]);
    expect(colourAt(-3)).toBe(VIRIDIS[0]);
    expect(colourAt(Number.NaN)).toBe(VIRIDIS[0]);
    // Halfway between stop 0 (#440154) and stop 1 (#482878): channel means, rounded.
    expect(colourAt(0.5 / (VIRIDIS.length - 1))).toBe('#461566');
    expect(colourFor(5, 0, 10)).toBe(colourAt(0.5));
    expect(colourFor(3, 3, 3)).toBe(colourAt(0.5));
    expect(plotlyColourscale()[0]).toEqual([0, VIRIDIS[0]]);
    expect(plotlyColourscale().at(-1)).toEqual([1, VIRIDIS[VIRIDIS.length - 1]]);
  });

  it('writes white on the dark end and black on the light end', () => {
    expect(textColourOn(VIRIDIS[0])).toBe('#ffffff');
    expect(textColourOn(VIRIDIS[VIRIDIS.length - 1])).toBe('#000000');
    expect(textColourOn('#ffffff')).toBe('#000000');
  });
});
