import type * as tf from '@tensorflow/tfjs-core';
import { createAdam } from './adam';
import { createMomentum } from './momentum';
import { createNesterov } from './nesterov';
import { createSgd } from './sgd';
import type { Optimizer, OptimizerSettings } from './types';

/** The optimizer a run config names, over `variables` (the model's trainable parameters, in order). */
export function createOptimizer(settings: OptimizerSettings, variables: readonly tf.Variable[]): Optimizer {
  switch (settings.optimizer) {
    case 'gd':
    case 'sgd':
      return createSgd(variables);
    case 'momentum':
      return createMomentum(variables, settings.momentum);
    case 'nesterov':
      return createNesterov(variables, settings.momentum);
    case 'adam':
      return createAdam(variables, settings);
  }
}
