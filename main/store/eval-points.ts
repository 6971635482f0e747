import type Database from 'better-sqlite3';
import type { EvaluateEvery, RunSchedule } from '../../common/metrics/eval-points';
import type { EvalPoint } from '../../common/types';

interface PointRow {
  step: number;
  examples: number;
  epoch: number;
  train_loss: number;
  train_acc: number;
  val_loss: number | null;
  val_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  lr: number;
  seconds: number;
}

interface ScheduleRow {
  train_examples: number;
  steps_per_epoch: number;
  evaluate_every: string | null;
}

/** The eval_points and run_schedules tables (migration 6): a run's points inside its epochs, and its schedule. */
export class EvalPointRepository {
  private readonly insertPoint: Database.Statement<Record<string, number | string | null>>;
  private readonly selectPoints: Database.Statement<[string], PointRow>;
  private readonly upsertSchedule: Database.Statement<Record<string, number | string | null>>;
  private readonly selectSchedule: Database.Statement<[string], ScheduleRow>;

  constructor(db: Database.Database) {
    this.insertPoint = db.prepare(`
      INSERT INTO eval_points (run_id, step, examples, epoch, train_loss, train_acc, val_loss, val_acc,
        test_loss, test_acc, lr, seconds)
      VALUES (@runId, @step, @examples, @epoch, @trainLoss, @trainAcc, @valLoss, @valAcc, @testLoss, @testAcc,
        @lr, @seconds)`);
    this.selectPoints = db.prepare(`SELECT * FROM eval_points WHERE run_id = ? ORDER BY step`);
    this.upsertSchedule = db.prepare(`
      INSERT INTO run_schedules (run_id, train_examples, steps_per_epoch, evaluate_every)
      VALUES (@runId, @trainExamples, @stepsPerEpoch, @evaluateEvery)
      ON CONFLICT (run_id) DO UPDATE SET train_examples = excluded.train_examples,
        steps_per_epoch = excluded.steps_per_epoch, evaluate_every = excluded.evaluate_every`);
    this.selectSchedule = db.prepare(
      `SELECT train_examples, steps_per_epoch, evaluate_every FROM run_schedules WHERE run_id = ?`,
    );
  }

  /** One point, committed on its own: a kill loses at most the point being evaluated. */
  append(runId: string, point: EvalPoint): void {
    this.insertPoint.run({
      runId,
      step: point.step,
      examples: point.examples,
      epoch: point.epoch,
      trainLoss: point.trainLoss,
      trainAcc: point.trainAcc,
      valLoss: point.valLoss,
      valAcc: point.valAcc,
      testLoss: point.testLoss,
      testAcc: point.testAcc,
      lr: point.lr,
      seconds: point.seconds,
    });
  }

  forRun(runId: string): EvalPoint[] {
    return this.selectPoints.all(runId).map((r) => ({
      step: r.step,
      examples: r.examples,
      epoch: r.epoch,
      trainLoss: r.train_loss,
      trainAcc: r.train_acc,
      valLoss: r.val_loss,
      valAcc: r.val_acc,
      testLoss: r.test_loss,
      testAcc: r.test_acc,
      lr: r.lr,
      seconds: r.seconds,
    }));
  }

  recordSchedule(runId: string, schedule: RunSchedule): void {
    this.upsertSchedule.run({
      runId,
      trainExamples: schedule.trainExamples,
      stepsPerEpoch: schedule.stepsPerEpoch,
      evaluateEvery: schedule.evaluateEvery ? JSON.stringify(schedule.evaluateEvery) : null,
    });
  }

  /** Null for a run recorded before schedules were (its curves have an epoch axis only). */
  schedule(runId: string): RunSchedule | null {
    const row = this.selectSchedule.get(runId);
    if (!row) return null;
    return {
      trainExamples: row.train_examples,
      stepsPerEpoch: row.steps_per_epoch,
      evaluateEvery: row.evaluate_every ? (JSON.parse(row.evaluate_every) as EvaluateEvery) : null,
    };
  }
}
