import { describe, expect, it } from 'vitest';
import { earlyStoppingSchema } from '../stopping/rule-schema';
import type { EpochMetrics } from '../types';
import { replayStoppingOnGrid } from './stopping-replay';

const row = (epoch: number, valLoss: number): EpochMetrics => ({
  epoch,
  trainLoss: 1,
  trainAcc: 0.5,
  valLoss,
  valAcc: null,
  testLoss: null,
  testAcc: 1 - valLoss,
  lr: 0.1,
  seconds: 1,
});
const cell = (index: number, curve: number[]) => ({ index, epochs: curve.map((v, i) => row(i + 1, v)) });

describe('replayStoppingOnGrid', () => {
  const patience2 = earlyStoppingSchema.parse({ rule: 'patience', patience: 2, monitor: 'valLoss' });

  it('stops each cell where the rule does and counts the epochs saved', () => {
    // Cell 0 is best at epoch 2 and stops after 4; cell 1 keeps improving; cell 2 is best at 1, stops at 3.
    const grid = [
      cell(0, [0.5, 0.3, 0.4, 0.45, 0.2, 0.1]),
      cell(1, [0.6, 0.5, 0.4, 0.35, 0.3, 0.25]),
      cell(2, [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]),
    ];
    const replay = replayStoppingOnGrid(patience2, grid);
    expect(replay.epochsFull).toBe(18);
    expect(replay.epochsTrained).toBe(4 + 6 + 3);
    expect(replay.stopped).toBe(2);
    expect(replay.saved).toBeCloseTo(5 / 18, 12);
    // Cell 0's late best (0.1 at epoch 6) is thrown away: the stopped grid's winner is cell 1 at 0.25.
    expect(replay.fullWinner).toBe(0);
    expect(replay.winner).toBe(1);
    expect(replay.regret.valLoss).toBeCloseTo(0.25 - 0.1, 12);
    expect(replay.regret.testAcc).toBeCloseTo(0.9 - 0.75, 12);
  });

  it('costs nothing where the rule never fires', () => {
    const grid = [cell(0, [0.5, 0.4, 0.3]), cell(1, [0.6, 0.5, 0.45])];
    const replay = replayStoppingOnGrid(patience2, grid);
    expect(replay).toMatchObject({ epochsTrained: 6, saved: 0, stopped: 0, winner: 0, fullWinner: 0 });
    expect(replay.regret.valLoss).toBe(0);
  });
});
