import { beforeAll, describe, expect, it } from 'vitest';
import type { EarlyStopRecord } from '../../common/run-types';
import type { EpochMetrics, EvalPoint } from '../../common/types';
import { tempWorkspace, workbench, workbenchJson } from '../support/cli';
import { smallMnistMlp } from '../support/configs';

/**
 * Early stopping on evaluation points through the built CLI, with real training on a real SQLite file: a
 * run that evaluates every 250 examples and is stopped live by patience 2 (counted in evaluations), and
 * `workbench stopping` on it and on its twin trained to the end without the rule. The analysis must name
 * the same stop and best, by step and fractional epoch, as the live stop recorded.
 */

interface StoppingJson {
  runId: string;
  rule: string;
  outcome: string;
  counts?: 'evaluations';
  evaluations?: number;
  lastEpoch: number | null;
  lastStep?: number | null;
  bestEpoch: number | null;
  bestStep?: number | null;
  stopEpoch: number | null;
  stopStep?: number | null;
  restoredEpoch: number | null;
  restoredStep?: number | null;
  ruleBestStep?: number | null;
  ruleBestEpoch?: number | null;
  evaluationsSaved?: number;
  epochsSaved: number;
  reason: string;
  restored: { epoch: number | null; step?: number | null; valLoss: number | null };
  liveEarlyStop: EarlyStopRecord | null;
}

interface ShowJson {
  id: string;
  status: string;
  earlyStop: EarlyStopRecord | null;
  epochs: EpochMetrics[];
  points?: EvalPoint[];
}

const ws = tempWorkspace('workbench-stopping-points-');
const RULE = { rule: 'patience', monitor: 'valLoss', patience: 2 };

function config(name: string, epochs: number, earlyStopping?: object) {
  // A high rate, so that validation loss turns within a few epochs; cpu, so the twin trains the same numbers.
  const base = smallMnistMlp({ name, epochs, learningRate: 0.3 });
  return {
    ...base,
    backend: 'cpu',
    training: {
      ...base.training,
      evaluateEvery: { examples: 250 },
      ...(earlyStopping ? { earlyStopping } : {}),
    },
  };
}

function run(file: string): string {
  const result = workbench(['--db', ws.db, 'run', file, '--json']);
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
}

const stopping = (args: string[]) => workbenchJson<StoppingJson[]>(['--db', ws.db, 'stopping', ...args]);
const show = (runId: string) => workbenchJson<ShowJson>(['--db', ws.db, 'show', runId]);
const strip = <T extends { seconds: number }>(rows: T[]) => rows.map(({ seconds: _s, ...rest }) => rest);

describe('early stopping on evaluation points: live and the analysis agree', () => {
  let stopped: string;
  let twin: string;
  beforeAll(() => {
    stopped = run(ws.write('stopped.json', config('points-es', 6, RULE)));
    twin = run(ws.write('twin.json', config('points-full', 3)));
  });

  it('a live stop on points records its stop and best by step and fractional epoch', () => {
    const live = show(stopped);
    expect(live.status).toBe('completed');
    const record = live.earlyStop!;
    expect(record.rule).toBe('patience:2 on valLoss (min)');
    const at = record.at!;
    expect(at).toBeDefined();
    expect(at.stopStep).toBeGreaterThan(at.bestStep!);
    expect(record.reason).toContain('for 2 evaluations (patience 2)');
    // The points logged end at the stop: the rule read every one of them, epoch ends included.
    expect(live.points!.at(-1)).toMatchObject({ step: at.stopStep, epoch: at.stopEpoch });
    expect(live.points!.find((p) => p.step === at.bestStep)?.epoch).toBe(at.bestEpoch);
    // With this seed and rate the stop falls inside epoch 3, after two whole epochs.
    expect(Number.isInteger(at.stopEpoch), `stopped at epoch ${at.stopEpoch}`).toBe(false);
    expect(record.stopEpoch).toBe(Math.ceil(at.stopEpoch));
    expect(live.epochs).toHaveLength(Math.ceil(at.stopEpoch) - 1);
  });

  it('`workbench stopping --json` on the stopped run reports the same stop step and best step', () => {
    const record = show(stopped).earlyStop!;
    const at = record.at!;
    const [analysis] = stopping([stopped]);
    expect(analysis).toMatchObject({
      runId: stopped,
      rule: 'patience:2',
      outcome: 'stopped',
      counts: 'evaluations',
      stopStep: at.stopStep,
      stopEpoch: at.stopEpoch,
      ruleBestStep: at.bestStep,
      ruleBestEpoch: at.bestEpoch,
      // The run ends at its stop: the best of the whole run is the rule's best.
      bestStep: at.bestStep,
      bestEpoch: at.bestEpoch,
      restoredStep: at.restoredStep,
      restoredEpoch: record.restoredEpoch,
      lastStep: at.stopStep,
      lastEpoch: at.stopEpoch,
      reason: record.reason,
      epochsSaved: 0,
      evaluationsSaved: 0,
    });
    expect(analysis.restored.step).toBe(at.restoredStep);
    expect(analysis.liveEarlyStop).toEqual(record);
    // What it restores is a model the run keeps: an epoch end with its checkpoint, not a point.
    const kept = workbenchJson<{ epoch: number }[] | { runs: { checkpoints: { epoch: number }[] }[] }>([
      '--db',
      ws.db,
      'checkpoints',
      stopped,
    ]);
    expect(JSON.stringify(kept)).toContain(`"epoch":${record.restoredEpoch}`);
    expect(Number.isInteger(record.restoredEpoch)).toBe(true);
  });

  it('the twin trained to the end, analysed with the same rule, stops where the live run did', () => {
    const record = show(stopped).earlyStop!;
    const at = record.at!;
    const full = show(twin);
    expect(full.earlyStop).toBeNull();
    // Same seed, same data: the stopped run's evaluations are the twin's, cut at the stop.
    const cut = full.points!.filter((p) => p.step <= at.stopStep);
    expect(strip(show(stopped).points!)).toEqual(strip(cut));

    const [analysis] = stopping([twin, '--rule', 'patience:2', '--monitor', 'valLoss']);
    expect(analysis).toMatchObject({
      outcome: 'stopped',
      counts: 'evaluations',
      stopStep: at.stopStep,
      stopEpoch: at.stopEpoch,
      ruleBestStep: at.bestStep,
      restoredStep: at.restoredStep,
      reason: record.reason,
      evaluations: full.points!.length,
      lastStep: 30,
      lastEpoch: 3,
      evaluationsSaved: full.points!.filter((p) => p.step > at.stopStep).length,
    });
    expect(analysis.epochsSaved).toBeCloseTo(3 - at.stopEpoch, 10);
  });

  it('prints the stop and the best by step and epoch, and says patience counts evaluations', () => {
    const at = show(stopped).earlyStop!.at!;
    const result = workbench(['--db', ws.db, 'stopping', stopped]);
    expect(result.status, result.stderr).toBe(0);
    const epoch = (e: number) => (Number.isInteger(e) ? String(e) : e.toFixed(2));
    expect(result.stdout).toContain('patience counts evaluations, not epochs: this run evaluates every 250');
    expect(result.stdout).toContain(`best        step ${at.bestStep} (epoch ${epoch(at.bestEpoch!)})`);
    expect(result.stdout).toContain(`stop        after step ${at.stopStep} (epoch ${epoch(at.stopEpoch)})`);
    expect(result.stdout).toContain(`live stop   after step ${at.stopStep} (epoch ${epoch(at.stopEpoch)})`);
  });
});
