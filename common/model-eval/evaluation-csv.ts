import { csvField } from '../compare/comparison';
import type { ModelEvaluation } from './types';

/**
 * A model evaluation as CSV: one line per true class with its precision, recall, F1 and support, then the
 * confusion matrix's row for it (the count predicted as each class, one column per class). RFC 4180 (CRLF,
 * quotes where needed); an empty field is a metric that is not defined (a class never predicted).
 */
export function evaluationCsv(evaluation: ModelEvaluation): string {
  const header = [
    'class',
    'support',
    'precision',
    'recall',
    'f1',
    ...evaluation.classes.map((c) => `predicted_${c}`),
  ];
  const lines = [header.map(csvField).join(',')];
  evaluation.perClass.forEach((m, i) => {
    lines.push(
      [m.class, m.support, m.precision, m.recall, m.f1, ...evaluation.confusion[i]].map(csvField).join(','),
    );
  });
  return lines.map((line) => line + '\r\n').join('');
}
