import { describe, expect, it } from 'vitest';
import { mlpConfig } from '../testing/fixtures';
import { variationOf } from './variation-name';

describe('variationOf', () => {
  it("drops a fork's suffix from the name, and nothing else", () => {
    const fork = { ...mlpConfig(), name: 'mnist mlp · fork @6' };
    expect(variationOf(fork)).toEqual({ ...fork, name: 'mnist mlp' });
    const plain = { ...mlpConfig(), name: 'fork @ home' };
    expect(variationOf(plain)).toBe(plain);
  });
});
