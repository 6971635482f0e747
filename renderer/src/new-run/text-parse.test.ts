import { describe, expect, it } from 'vitest';
import { parseNumberText } from './text-parse';

describe('number text', () => {
  it('reads numbers, and keeps as text what is not one or is too large to be one', () => {
    expect(parseNumberText(' 0.003 ')).toBe(0.003);
    expect(parseNumberText('1e-5')).toBe(1e-5);
    expect(parseNumberText('')).toBeUndefined();
    expect(parseNumberText('1e-')).toBe('1e-');
    // As a number 1e999 is Infinity, which JSON sends as null: "(got null)" told the user nothing.
    expect(parseNumberText('1e999')).toBe('1e999');
    expect(parseNumberText('-1e400')).toBe('-1e400');
  });
});
