import { confusionDifference, rowNormalised } from './evaluation';
import type { ModelEvaluation } from './types';

/**
 * A confusion matrix as a figure draws it, on screen (Plotly) and in the SVG export alike: the values per
 * cell, the text written in each, the colour scale (sequential for one model, diverging around 0 for a
 * difference of two) and its range.
 */

/** Counts, or each row divided by its class's support (the share of that class predicted as each). */
export type ConfusionMode = 'counts' | 'normalised';

export interface ConfusionFigure {
  classes: string[];
  /** values[true][predicted]. */
  values: number[][];
  /** What each cell says. */
  text: string[][];
  scale: 'sequential' | 'diverging';
  /** The colour range: [0, max] for one model, [−limit, +limit] for a difference. */
  range: { min: number; max: number };
  /** The colour bar's title. */
  valueTitle: string;
  mode: ConfusionMode;
}

/** "93.3%": a share of a class, one decimal; zero is "0", or nothing in a difference (no change). */
export function formatShare(value: number, signed = false): string {
  if (value === 0) return signed ? '' : '0';
  const text = `${(Math.abs(value) * 100).toFixed(1)}%`;
  return value < 0 ? `−${text}` : signed ? `+${text}` : text;
}

function formatCount(value: number, signed: boolean): string {
  if (value === 0) return signed ? '' : '0';
  return value < 0 ? `−${-value}` : signed ? `+${value}` : String(value);
}

export function confusionFigure(
  evaluation: Pick<ModelEvaluation, 'confusion' | 'classes'>,
  mode: ConfusionMode,
): ConfusionFigure {
  const values =
    mode === 'normalised' ? rowNormalised(evaluation.confusion) : evaluation.confusion.map((r) => [...r]);
  const max = Math.max(0, ...values.flat());
  return {
    classes: [...evaluation.classes],
    values,
    text: values.map((row) =>
      row.map((v) => (mode === 'normalised' ? formatShare(v) : formatCount(v, false))),
    ),
    scale: 'sequential',
    range: { min: 0, max: mode === 'normalised' ? 1 : Math.max(1, max) },
    valueTitle: mode === 'normalised' ? 'share of the true class' : 'examples',
    mode,
  };
}

/**
 * B − A cell by cell (counts or shares of the true class), on a diverging scale symmetric around 0; cells
 * where nothing changed say nothing.
 */
export function differenceFigure(
  a: Pick<ModelEvaluation, 'confusion' | 'classes'>,
  b: Pick<ModelEvaluation, 'confusion' | 'classes'>,
  mode: ConfusionMode,
): ConfusionFigure {
  const values = confusionDifference(a, b, mode === 'normalised');
  const largest = Math.max(0, ...values.flat().map(Math.abs));
  const limit = largest > 0 ? largest : mode === 'normalised' ? 0.01 : 1;
  return {
    classes: [...a.classes],
    values,
    text: values.map((row) =>
      row.map((v) => (mode === 'normalised' ? formatShare(v, true) : formatCount(v, true))),
    ),
    scale: 'diverging',
    range: { min: -limit, max: limit },
    valueTitle: mode === 'normalised' ? 'B − A (share of the true class)' : 'B − A (examples)',
    mode,
  };
}

/** One cell in words, for hovers and the SVG's tooltips: "true 3, predicted 5: 12". */
export function describeConfusionCell(figure: ConfusionFigure, row: number, column: number): string {
  const t = figure.classes[row];
  const p = figure.classes[column];
  const what = row === column ? 'right' : 'wrong';
  const value = figure.text[row][column] || '0';
  return `true ${t}, predicted ${p} (${what}): ${value}${figure.scale === 'diverging' ? ' (B − A)' : ''}`;
}
