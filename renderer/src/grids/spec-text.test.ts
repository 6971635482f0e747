import { describe, expect, it } from 'vitest';
import { readableJson } from './spec-text';

describe('readableJson', () => {
  it('keeps lists of plain values on one line and reads back to the same value', () => {
    const spec = {
      name: 'E3, "quoted" [x]',
      axes: [
        { path: 'model.hiddenUnits', values: [[100], [500, 500]] },
        { path: 'training.optimizer', values: ['sgd', 'adam'] },
      ],
      override: { training: { epochs: 5 } },
      tags: [],
    };
    const text = readableJson(spec);
    expect(JSON.parse(text)).toEqual(spec);
    expect(text).toContain('"values": [\n        [100],\n        [500, 500]\n      ]');
    expect(text).toContain('"values": ["sgd", "adam"]');
    expect(text).toContain('"tags": []');
    expect(text).toContain('"epochs": 5');
  });
});
