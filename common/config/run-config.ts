import { z } from 'zod';
import { checkpointPolicySchema } from '../checkpoints/policy';
import { earlyStoppingSchema } from '../stopping/rule-schema';

/**
 * The run configuration: everything needed to re-run a run and get the same curves.
 * Parsing fills every default, and the parsed (resolved) config is what gets stored, so the
 * conventions that differ between frameworks (dropout keep vs. drop, L2 with or without the 1/2,
 * mean vs. summed loss) are always explicit in the stored record.
 */

const positiveInt = (what: string) =>
  z
    .number({ error: `expected ${what} (an integer ≥ 1)` })
    .int({ error: `expected ${what} (an integer ≥ 1)` })
    .min(1, { error: `expected ${what} (an integer ≥ 1)` });

const seedSchema = z
  .number({ error: 'expected an integer seed ≥ 0' })
  .int({ error: 'expected an integer seed ≥ 0' })
  .min(0, { error: 'expected an integer seed ≥ 0' })
  .max(2 ** 32 - 1, { error: 'expected a seed below 2^32' });

export const ACTIVATIONS = ['relu', 'softplus', 'sigmoid', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const INIT_SCHEMES = ['xavier', 'xavier-uniform', 'he'] as const;

/** Weight initialisation; biases always start at zero. */
export const initSchema = z.union(
  [
    z.enum(INIT_SCHEMES),
    z.strictObject({
      kind: z.literal('normal'),
      mean: z.number().default(0),
      std: z.number().positive({ error: 'expected a standard deviation > 0' }),
    }),
  ],
  { error: `expected "xavier", "xavier-uniform", "he" or {"kind": "normal", "mean": μ, "std": σ}` },
);
export type InitScheme = z.infer<typeof initSchema>;

const activationSchema = z.enum(ACTIVATIONS, {
  error: `expected one of ${ACTIVATIONS.join(', ')}`,
});

export const mlpSchema = z.strictObject({
  kind: z.literal('mlp'),
  hiddenUnits: z.array(positiveInt('a number of hidden units'), {
    error: 'expected a list of hidden layer sizes, e.g. [1000]',
  }),
  activation: activationSchema.default('relu'),
  init: initSchema.default('xavier'),
  inputSize: positiveInt('an input size').optional(),
  outputSize: positiveInt('an output size').optional(),
});
export type MlpConfig = z.infer<typeof mlpSchema>;

export const cnnSchema = z.strictObject({
  kind: z.literal('cnn'),
  filters: positiveInt('a number of filters').default(32),
  kernelSize: positiveInt('a kernel size').default(3),
  stride: positiveInt('a stride').default(1),
  padding: z.enum(['same', 'valid'], { error: 'expected "same" or "valid"' }).default('same'),
  poolSize: z.number().int().min(1, { error: 'expected a pool size ≥ 1 (1 means no pooling)' }).default(2),
  denseUnits: z
    .union([positiveInt('a number of dense units'), z.array(positiveInt('a number of dense units'))])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .default([784]),
  batchNorm: z.boolean({ error: 'expected true or false' }).default(true),
  activation: activationSchema.default('relu'),
  init: initSchema.default('xavier'),
  inputShape: z
    .tuple([positiveInt('a height'), positiveInt('a width'), positiveInt('a channel count')])
    .optional(),
  outputSize: positiveInt('an output size').optional(),
});
export type CnnConfig = z.infer<typeof cnnSchema>;

export const modelSchema = z.discriminatedUnion('kind', [mlpSchema, cnnSchema], {
  error: 'expected model.kind "mlp" or "cnn"',
});
export type ModelConfig = z.infer<typeof modelSchema>;

/** A number in [0, 1) with one message for every way to miss it. */
const unitInterval = (what: string) =>
  z
    .number({ error: `expected ${what} in [0, 1)` })
    .min(0, { error: `expected ${what} in [0, 1)` })
    .lt(1, { error: `expected ${what} in [0, 1)` });

export const OPTIMIZERS = ['gd', 'sgd', 'momentum', 'nesterov', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const lrScheduleSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('constant') }),
    z.strictObject({
      kind: z.literal('step'),
      factor: z.number().positive({ error: 'expected a decay factor > 0' }),
      everyEpochs: positiveInt('a number of epochs'),
    }),
  ],
  { error: 'expected {"kind": "constant"} or {"kind": "step", "factor": f, "everyEpochs": k}' },
);

const EVALUATE_EVERY = 'expected {"examples": N} or {"steps": N} with N a whole number ≥ 1';
export const evaluateEverySchema = z.union(
  [
    z.strictObject({ examples: positiveInt('a number of training examples') }),
    z.strictObject({ steps: positiveInt('a number of optimizer steps') }),
  ],
  { error: EVALUATE_EVERY },
);

export const trainingSchema = z
  .strictObject({
    optimizer: z.enum(OPTIMIZERS, { error: `expected one of ${OPTIMIZERS.join(', ')}` }),
    learningRate: z.number({ error: 'expected a number > 0' }).positive({ error: 'expected a number > 0' }),
    // One message per field: a value that fails two checks (2 is above 1 and not below 1) is one problem.
    momentum: unitInterval('a momentum').default(0.9),
    beta1: unitInterval('β₁ (beta1)').default(0.9),
    beta2: unitInterval('β₂ (beta2)').default(0.999),
    epsilon: z
      .number({ error: 'expected ε (epsilon) > 0' })
      .positive({ error: 'expected ε (epsilon) > 0' })
      .default(1e-8),
    batchSize: z
      .union(
        [
          z.literal('full'),
          z
            .number()
            .int({ error: 'expected an integer ≥ 1 or "full"' })
            .min(1, { error: 'expected an integer ≥ 1 or "full"' }),
        ],
        { error: 'expected an integer ≥ 1 or "full"' },
      )
      .optional(),
    epochs: positiveInt('a number of epochs'),
    lossReduction: z.enum(['mean', 'sum'], { error: 'expected "mean" or "sum"' }).default('mean'),
    lrSchedule: lrScheduleSchema.default({ kind: 'constant' }),
    shuffle: z.boolean().default(true),
    /** A rule that ends the run early (see common/stopping); absent: train every epoch. */
    earlyStopping: earlyStoppingSchema.optional(),
    /**
     * Evaluation points inside an epoch (common/metrics/eval-points.ts); absent: once per epoch. With it,
     * early stopping counts its patience in points.
     */
    evaluateEvery: evaluateEverySchema.optional(),
  })
  .transform((t, ctx) => {
    // "gd" is full-batch by definition; a mini-batch size with it is almost certainly a mistake.
    if (t.optimizer === 'gd' && t.batchSize !== undefined && t.batchSize !== 'full') {
      ctx.addIssue({
        code: 'custom',
        path: ['batchSize'],
        message: 'optimizer "gd" is full-batch gradient descent: use "full" or optimizer "sgd"',
      });
      return z.NEVER;
    }
    if (t.batchSize === undefined && t.optimizer !== 'gd') {
      ctx.addIssue({
        code: 'custom',
        path: ['batchSize'],
        message: 'expected an integer ≥ 1 or "full"',
      });
      return z.NEVER;
    }
    return { ...t, batchSize: t.batchSize ?? ('full' as const) };
  });
export type TrainingConfig = z.infer<typeof trainingSchema>;

const dropoutSchema = z
  .union(
    [
      z.strictObject({
        keep: z
          .number()
          .gt(0, { error: 'expected a keep probability p in (0, 1]' })
          .max(1, { error: 'expected a keep probability p in (0, 1]' }),
      }),
      z.strictObject({
        rate: z
          .number()
          .min(0, { error: 'expected a drop rate in [0, 1)' })
          .lt(1, { error: 'expected a drop rate in [0, 1)' }),
      }),
    ],
    {
      error: 'expected {"keep": p} with p in (0, 1] (TF1 keep_prob) or {"rate": r} with r in [0, 1) (Keras)',
    },
  )
  // Stored in both forms so that nobody has to remember which convention a run used.
  .transform((d) => {
    const keep = 'keep' in d ? d.keep : 1 - d.rate;
    return { keep, rate: 1 - keep, convention: 'keep' in d ? ('keep' as const) : ('rate' as const) };
  });

export const regularizationSchema = z.strictObject({
  l2: z.number({ error: 'expected λ ≥ 0' }).min(0, { error: 'expected λ ≥ 0' }).default(0),
  /** "half": λ·Σ‖W‖²/2 (TensorFlow l2_loss); "full": λ·Σ‖W‖². */
  l2Convention: z.enum(['half', 'full'], { error: 'expected "half" or "full"' }).default('half'),
  /** Which tensors the L2 penalty covers. */
  l2Covers: z.enum(['weights', 'weights-and-biases']).default('weights'),
  dropout: dropoutSchema.optional(),
});
export type RegularizationConfig = z.infer<typeof regularizationSchema>;

const SPLIT_PART = 'expected a count of examples (a whole number) or a fraction in [0, 1]';

/** A count (1000) or a fraction (0.6); 1.5 is neither. */
const splitPart = z
  .number({ error: SPLIT_PART })
  .min(0, { error: SPLIT_PART })
  .refine((v) => v <= 1 || Number.isInteger(v), { error: SPLIT_PART });

export const splitSchema = z.strictObject({
  train: splitPart,
  validation: splitPart.default(0),
  /** "official" takes the dataset's own test part (e.g. MNIST's 10 000) and splits train/validation from the rest. */
  test: z.union([splitPart, z.literal('official')]).default(0),
});
export type SplitConfig = z.infer<typeof splitSchema>;

export const NORMALIZATIONS = ['none', 'scale', 'center', 'standardize'] as const;

export const datasetRefSchema = z.strictObject({
  id: z.string({ error: 'expected a dataset id (see `workbench datasets`)' }).min(1),
  split: splitSchema,
  shuffleSeed: seedSchema.default(0),
  /**
   * scale: to [0, 1] (÷255 for 8-bit data); center: scale, then subtract the training mean per feature;
   * standardize: per-feature z-score with training statistics; none: raw values.
   */
  normalization: z
    .enum(NORMALIZATIONS, { error: `expected one of ${NORMALIZATIONS.join(', ')}` })
    .default('scale'),
});
export type DatasetRef = z.infer<typeof datasetRefSchema>;

export const runConfigSchema = z.strictObject({
  name: z.string({ error: 'expected a run name' }).min(1, { error: 'expected a non-empty run name' }),
  experiment: z.string().min(1).default('Default'),
  description: z.string().optional(),
  tags: z.array(z.string().min(1)).default([]),
  seed: seedSchema,
  dataset: datasetRefSchema,
  model: modelSchema,
  training: trainingSchema,
  regularization: regularizationSchema.default({ l2: 0, l2Convention: 'half', l2Covers: 'weights' }),
  /** Preferred backend; "auto" takes the first of tfjs-node-gpu → tfjs-node → wasm → cpu that loads. */
  backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  /** Which epochs keep their weights (see common/checkpoints/policy.ts); default best and last. */
  checkpoints: checkpointPolicySchema,
  /**
   * Per-layer weight and gradient norms, update ratios, kernel histograms and dead units each epoch
   * (common/layers/layer-stats.ts). On by default: they cost under 3 % of an E2 or E4 epoch (docs/benchmarks.md).
   */
  layerStats: z.boolean({ error: 'expected true or false' }).default(true),
});

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;

/** A config without a dataset, enough to build a model summary (e.g. E9's 30 → 1024 → 512 → 1). */
export const modelOnlyConfigSchema = runConfigSchema.partial({
  dataset: true,
  training: true,
  seed: true,
  name: true,
});
