import { describe, expect, it } from 'vitest';
import { evaluationCsv } from './evaluation-csv';
import {
  buildEvaluation,
  classNamesOf,
  confusionDifference,
  confusionMatrix,
  perClassMetrics,
  rankMistakes,
  rowNormalised,
} from './evaluation';

/**
 * A hand-computed case: 3 classes, 10 examples.
 *
 *   index       0    1    2    3    4    5    6    7    8    9
 *   label       0    0    0    0    1    1    1    2    2    2
 *   predicted   0    0    1    2    1    1    0    2    1    1
 *   confidence .9   .8  .95   .6   .7  .99  .95   .5   .6   .4
 *
 * Confusion (rows true, columns predicted):   column sums 3, 5, 2; row sums (support) 4, 3, 3
 *   cat   [2, 1, 1]
 *   dog   [1, 2, 0]
 *   bird  [0, 2, 1]
 * correct 2 + 2 + 1 = 5 of 10 → accuracy 0.5
 * precision  cat 2/3        dog 2/5             bird 1/2
 * recall     cat 2/4 = 1/2  dog 2/3             bird 1/3
 * F1 = 2pr/(p+r):
 *   cat  2·(2/3)(1/2) / (2/3 + 1/2) = (2/3)/(7/6) = 4/7
 *   dog  2·(2/5)(2/3) / (2/5 + 2/3) = (8/15)/(16/15) = 1/2
 *   bird 2·(1/2)(1/3) / (1/2 + 1/3) = (1/3)/(5/6) = 2/5
 * mistakes: 2 (.95), 3 (.6), 6 (.95), 8 (.6), 9 (.4) → most confident first, ties by index: 2, 6, 3, 8, 9
 */
const labels = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
const predicted = [0, 0, 1, 2, 1, 1, 0, 2, 1, 1];
const confidence = [0.9, 0.8, 0.95, 0.6, 0.7, 0.99, 0.95, 0.5, 0.6, 0.4];
const names = ['cat', 'dog', 'bird'];

describe('confusionMatrix', () => {
  it('counts true classes down the rows and predictions across', () => {
    expect(confusionMatrix(labels, predicted, 3)).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 2, 1],
    ]);
  });

  it('refuses a class outside the range and mismatched lengths', () => {
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/label of example 1 is 3/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/1 labels but 2 predictions/);
  });
});

describe('perClassMetrics', () => {
  it('gives precision, recall, F1 and support per class', () => {
    const metrics = perClassMetrics(confusionMatrix(labels, predicted, 3), names);
    const table = metrics.map((m) => [m.class, m.precision, m.recall, m.f1, m.support]);
    const close = (v: number) => expect.closeTo(v, 12);
    expect(table).toEqual([
      ['cat', close(2 / 3), close(1 / 2), close(4 / 7), 4],
      ['dog', close(2 / 5), close(2 / 3), close(1 / 2), 3],
      ['bird', close(1 / 2), close(1 / 3), close(2 / 5), 3],
    ]);
  });

  const cases: {
    name: string;
    labels: number[];
    predicted: number[];
    expected: [number | null, number | null, number | null, number][];
  }[] = [
    {
      name: 'a class absent from the split and never predicted: all null, support 0',
      labels: [0, 0, 1, 1],
      predicted: [0, 1, 1, 1],
      // cat: 1/1, 1/2, F1 2/3; dog: 2/3, 2/2, F1 0.8; bird: nothing at all.
      expected: [
        [1, 0.5, 2 / 3, 2],
        [2 / 3, 1, 0.8, 2],
        [null, null, null, 0],
      ],
    },
    {
      name: 'a class present but never predicted: precision and F1 null, recall 0',
      labels: [0, 0, 1],
      predicted: [0, 0, 0],
      // cat: 2/3, 2/2, F1 0.8; dog: never predicted, 0 of 1 found.
      expected: [
        [2 / 3, 1, 0.8, 2],
        [null, 0, null, 1],
        [null, null, null, 0],
      ],
    },
    {
      name: 'predicted and present but never right: F1 is 0, not null',
      labels: [0, 1],
      predicted: [1, 0],
      expected: [
        [0, 0, 0, 1],
        [0, 0, 0, 1],
        [null, null, null, 0],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const metrics = perClassMetrics(confusionMatrix(c.labels, c.predicted, 3), names);
      expect(metrics.map((m) => [m.precision, m.recall, m.f1, m.support])).toEqual(
        c.expected.map((row) => row.map((v, i) => (v === null || i === 3 ? v : expect.closeTo(v, 12)))),
      );
    });
  }
});

describe('rankMistakes', () => {
  it('lists the wrong predictions, most confident first, ties in split order', () => {
    expect(rankMistakes({ labels, predicted, confidence })).toEqual([
      { index: 2, label: 0, predicted: 1, confidence: 0.95 },
      { index: 6, label: 1, predicted: 0, confidence: 0.95 },
      { index: 3, label: 0, predicted: 2, confidence: 0.6 },
      { index: 8, label: 2, predicted: 1, confidence: 0.6 },
      { index: 9, label: 2, predicted: 1, confidence: 0.4 },
    ]);
  });

  it('ranks a NaN confidence last', () => {
    const ranked = rankMistakes({ labels: [0, 0, 0], predicted: [1, 1, 1], confidence: [NaN, 0.2, 0.7] });
    expect(ranked.map((m) => m.index)).toEqual([2, 1, 0]);
  });
});

describe('buildEvaluation', () => {
  it('puts loss, accuracy, confusion, per-class metrics and mistakes together', () => {
    const evaluation = buildEvaluation({
      runId: 'r1',
      epoch: 3,
      split: 'validation',
      loss: 0.75,
      labels,
      predicted,
      confidence,
      classes: names,
      inputShape: [4],
    });
    expect(evaluation).toMatchObject({
      runId: 'r1',
      epoch: 3,
      split: 'validation',
      examples: 10,
      loss: 0.75,
      accuracy: 0.5,
      classes: names,
      inputShape: [4],
    });
    expect(evaluation.mistakes.map((m) => m.index)).toEqual([2, 6, 3, 8, 9]);
    expect(evaluation.perClass.map((m) => m.support)).toEqual([4, 3, 3]);
  });
});

describe('classNamesOf', () => {
  it("takes the dataset's names, else the indices", () => {
    expect(classNamesOf({ classes: 3, classNames: names })).toEqual(names);
    expect(classNamesOf({ classes: 3 })).toEqual(['0', '1', '2']);
  });
});

describe('rowNormalised and confusionDifference', () => {
  const a = { classes: names, confusion: confusionMatrix(labels, predicted, 3) };
  it('divides each row by its support', () => {
    expect(
      rowNormalised(
        [
          [2, 1, 1],
          [0, 0, 0],
        ].map((r) => r),
      ),
    ).toEqual([
      [0.5, 0.25, 0.25],
      [0, 0, 0],
    ]);
  });

  it('subtracts A from B cell by cell, in counts or shares', () => {
    const b = {
      classes: names,
      confusion: [
        [4, 0, 0],
        [0, 3, 0],
        [0, 1, 2],
      ],
    };
    expect(confusionDifference(a, b)).toEqual([
      [2, -1, -1],
      [-1, 1, 0],
      [0, -1, 1],
    ]);
    const shares = confusionDifference(a, b, true);
    expect(shares[0]).toEqual([0.5, -0.25, -0.25]);
    expect(shares[2].map((v) => Number(v.toFixed(12)))).toEqual([
      0,
      Number((1 / 3 - 2 / 3).toFixed(12)),
      Number((2 / 3 - 1 / 3).toFixed(12)),
    ]);
  });

  it('refuses models of other classes, naming both', () => {
    expect(() => confusionDifference(a, { classes: ['0', '1', '2'], confusion: a.confusion })).toThrow(
      'the two models predict different classes: cat, dog, bird and 0, 1, 2',
    );
  });
});

describe('evaluationCsv', () => {
  it('writes a line per class: metrics, then its confusion row', () => {
    const csv = evaluationCsv(
      buildEvaluation({
        runId: 'r1',
        epoch: 3,
        split: 'validation',
        loss: 0.75,
        labels: [0, 0, 1],
        predicted: [0, 0, 0],
        confidence: [0.9, 0.9, 0.9],
        classes: ['a', 'b, c'],
        inputShape: [4],
      }),
    );
    expect(csv).toBe(
      'class,support,precision,recall,f1,predicted_a,"predicted_b, c"\r\n' +
        `a,2,${2 / 3},1,0.8,2,0\r\n` +
        '"b, c",1,,0,,1,0\r\n',
    );
  });
});
