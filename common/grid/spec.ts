import { z } from 'zod';
import { pruningSchema } from './pruning';

/**
 * A hyperparameter grid as a user writes it: a base run config (a preset name, a run id, or a whole config),
 * an optional override merged into it, and axes that each name one field of the run config by its dotted
 * path and give its values as a list or a range. Expansion (expand.ts) turns it into cells; every cell is
 * then checked exactly like a single run before anything is stored.
 */

/** A grid larger than this is refused before a single cell is built. */
export const MAX_GRID_CELLS = 10_000;
export const MAX_AXES = 12;
export const MAX_AXIS_VALUES = 1_000;
export const MAX_REPEATS = 100;

/** Dotted path of a run config field: `regularization.l2`, `model.hiddenUnits`, `seed`. */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** Any JSON value: a number, a string, a boolean, or a list/object such as `[500, 500]` for hidden units. */
const jsonValue: z.ZodType<unknown> = z.json({ error: 'expected a JSON value' });

const rangeSchema = z
  .strictObject({
    min: z
      .number({ error: 'expected a number' })
      .refine(Number.isFinite, { error: 'expected a finite number' }),
    max: z
      .number({ error: 'expected a number' })
      .refine(Number.isFinite, { error: 'expected a finite number' }),
    count: z
      .number({ error: `expected a count (an integer from 1 to ${MAX_AXIS_VALUES})` })
      .int({ error: `expected a count (an integer from 1 to ${MAX_AXIS_VALUES})` })
      .min(1, { error: `expected a count (an integer from 1 to ${MAX_AXIS_VALUES})` })
      .max(MAX_AXIS_VALUES, { error: `expected a count (an integer from 1 to ${MAX_AXIS_VALUES})` }),
    scale: z.enum(['linear', 'log'], { error: 'expected "linear" or "log"' }).default('linear'),
    /** Round each value to an integer (hidden units, batch sizes, epochs). */
    integer: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .superRefine((value, ctx) => {
    const r = value;
    if (r.max < r.min) ctx.addIssue({ code: 'custom', path: ['max'], message: 'expected max ≥ min' });
    if (r.scale === 'log' && r.min <= 0) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'a log range needs min > 0' });
    }
  });
export type AxisRange = z.output<typeof rangeSchema>;

export const axisSchema = z
  .strictObject({
    path: z
      .string({ error: 'expected a field path such as "regularization.l2"' })
      .regex(FIELD_PATH, { error: 'expected a dotted field path such as "regularization.l2"' }),
    values: z
      .array(jsonValue, { error: 'expected a list of values' })
      .min(1, { error: 'expected at least one value' })
      .max(MAX_AXIS_VALUES, { error: `expected at most ${MAX_AXIS_VALUES} values` })
      .optional(),
    range: rangeSchema.optional(),
    /** How the axis is drawn: log for values spread over decades. Default: log for a log range, else linear. */
    scale: z.enum(['linear', 'log'], { error: 'expected "linear" or "log"' }).optional(),
    /** Short name in run names and charts (default: a known symbol such as λ, or the field's last part). */
    label: z.string().min(1).max(40).optional(),
  })
  .superRefine((value, ctx) => {
    const a = value;
    if ((a.values === undefined) === (a.range === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give either "values" (a list) or "range" ({"min", "max", "count", "scale"}), not both',
      });
    }
  });
export type AxisInput = z.input<typeof axisSchema>;
export type Axis = z.output<typeof axisSchema>;

export const gridSpecSchema = z
  .strictObject({
    name: z
      .string({ error: 'expected a grid name' })
      .trim()
      .min(1, { error: 'expected a non-empty grid name' })
      .max(200),
    description: z.string().max(2000).optional(),
    /** A bundled preset name (or unique prefix), the id of an earlier run, or a whole run config. */
    base: z.union([z.string().trim().min(1), z.record(z.string(), z.unknown())], {
      error: 'expected a preset name, a run id, or a run config object',
    }),
    /** Merged into the base (objects field by field, anything else replaced) before the axes apply. */
    override: z.record(z.string(), z.unknown(), { error: 'expected an object' }).optional(),
    axes: z
      .array(axisSchema, { error: 'expected a list of axes' })
      .min(1, { error: 'expected at least one axis' })
      .max(MAX_AXES, { error: `expected at most ${MAX_AXES} axes` }),
    /** Runs per cell; repeat r trains with seed + r. */
    repeats: z
      .number({ error: `expected an integer from 1 to ${MAX_REPEATS}` })
      .int({ error: `expected an integer from 1 to ${MAX_REPEATS}` })
      .min(1, { error: `expected an integer from 1 to ${MAX_REPEATS}` })
      .max(MAX_REPEATS, { error: `expected an integer from 1 to ${MAX_REPEATS}` })
      .default(1),
    /** Exhaustive (default) or a seeded random sample of `count` points of the full grid. */
    sample: z
      .strictObject({
        count: z.number().int().min(1, { error: 'expected a sample size ≥ 1' }),
        seed: z.number().int().min(0).default(0),
      })
      .optional(),
    /** Run order: as listed, or shuffled (seeded) so that trends across the whole grid show early. */
    order: z.enum(['listed', 'shuffled'], { error: 'expected "listed" or "shuffled"' }).default('listed'),
    orderSeed: z.number().int().min(0).default(0),
    tags: z.array(z.string().trim().min(1).max(64)).max(32).default([]),
    /**
     * Live successive halving or Hyperband (common/grid/pruning.ts): the cells behind at a rung end there as
     * `pruned`; the rest continue from their checkpoints. The full epochs are the cells' training.epochs.
     */
    pruning: pruningSchema.optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.axes.forEach((axis, i) => {
      if (seen.has(axis.path)) {
        ctx.addIssue({
          code: 'custom',
          path: ['axes', i, 'path'],
          message: `"${axis.path}" is already an axis`,
        });
      }
      seen.add(axis.path);
    });
  });
export type GridSpecInput = z.input<typeof gridSpecSchema>;
export type GridSpec = z.output<typeof gridSpecSchema>;

/** An axis with its values resolved from a list or a range: what a grid stores and its views draw. */
export interface ResolvedAxis {
  path: string;
  label: string;
  values: unknown[];
  /** How to draw it: log for positive numbers spread over decades, categorical for anything non-numeric. */
  scale: 'linear' | 'log' | 'categorical';
}
