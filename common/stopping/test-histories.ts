import type { EpochMetrics } from '../types';

/** Test-only: a logged history from per-epoch columns (epoch 1 first); missing columns are not logged. */
export function history(columns: {
  valLoss?: ReadonlyArray<number | null>;
  valAcc?: ReadonlyArray<number | null>;
  trainLoss?: readonly number[];
  trainAcc?: readonly number[];
  testLoss?: ReadonlyArray<number | null>;
  testAcc?: ReadonlyArray<number | null>;
  seconds?: readonly number[];
}): EpochMetrics[] {
  const length = Math.max(
    ...Object.values(columns).map((c: ReadonlyArray<number | null> | undefined) => c?.length ?? 0),
  );
  return Array.from({ length }, (_, i) => ({
    epoch: i + 1,
    trainLoss: columns.trainLoss?.[i] ?? 1 / (i + 1),
    trainAcc: columns.trainAcc?.[i] ?? 1 - 0.5 / (i + 1),
    valLoss: columns.valLoss?.[i] ?? null,
    valAcc: columns.valAcc?.[i] ?? null,
    testLoss: columns.testLoss?.[i] ?? null,
    testAcc: columns.testAcc?.[i] ?? null,
    lr: 0.01,
    seconds: columns.seconds?.[i] ?? 1,
  }));
}
