import type { ModelConfig } from '../../../common/config/run-config';
import { activationFloatsPerExample, describeModel } from '../../../common/model/summary';

/**
 * Floats of layer outputs one chunk may hold (≈ 128 MB). Backprop keeps every layer's output alive, and a few
 * temporaries sit beside them, so a training chunk gets a quarter of what an evaluation chunk gets.
 */
const ACTIVATION_BUDGET_FLOATS = 32 * 1024 * 1024;
const MAX_EVAL_ROWS = 2000;
/** The brief's "chunks of e.g. 1000 examples" for an accumulated full-batch gradient. */
const MAX_TRAIN_CHUNK_ROWS = 1000;

export interface ChunkSizes {
  evalRows: number;
  trainRows: number;
}

export function chunkSizes(model: ModelConfig, inputShape: number[], classes: number): ChunkSizes {
  const perExample = activationFloatsPerExample(describeModel(model, inputShape, classes), inputShape);
  const evalRows = Math.max(1, Math.min(MAX_EVAL_ROWS, Math.floor(ACTIVATION_BUDGET_FLOATS / perExample)));
  const trainRows = Math.max(
    1,
    Math.min(MAX_TRAIN_CHUNK_ROWS, Math.floor(ACTIVATION_BUDGET_FLOATS / (4 * perExample))),
  );
  return { evalRows, trainRows };
}
