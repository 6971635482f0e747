/** Small but real configs: real MNIST / Iris, few examples, few epochs. */
export function smallMnistMlp(
  overrides: { name?: string; epochs?: number; seed?: number; learningRate?: number } = {},
) {
  return {
    name: overrides.name ?? 'small-mlp',
    seed: overrides.seed ?? 1,
    dataset: { id: 'mnist', split: { train: 1000, validation: 300, test: 300 }, shuffleSeed: 421 },
    model: { kind: 'mlp', hiddenUnits: [32], activation: 'relu', init: 'xavier' },
    training: {
      optimizer: 'momentum',
      learningRate: overrides.learningRate ?? 0.05,
      momentum: 0.9,
      batchSize: 100,
      epochs: overrides.epochs ?? 3,
      lossReduction: 'mean',
    },
    regularization: { l2: 0.0001, l2Convention: 'half', dropout: { keep: 0.9 } },
  };
}

export function smallMnistCnn(name = 'small-cnn') {
  return {
    name,
    seed: 3,
    dataset: { id: 'mnist', split: { train: 256, validation: 64, test: 64 }, shuffleSeed: 1 },
    model: {
      kind: 'cnn',
      filters: 4,
      kernelSize: 3,
      stride: 1,
      poolSize: 2,
      denseUnits: 32,
      batchNorm: true,
    },
    training: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 2 },
    regularization: { l2: 0.01, dropout: { keep: 0.75 } },
  };
}
