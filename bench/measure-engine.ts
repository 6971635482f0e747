/**
 * The engine's measurements: wasm matMul peak, E2/E4 training with 1 and 2 worker threads, and the
 * per-step kernel profile of both.
 */
import type { RunConfigInput } from '../common/config/run-config';
import { runInWorkers, type WorkerOutcome } from './engine-runs';
import { stepProfile, type StepProfile } from './profile';
import type { BackendFacts, ProfileMeasurement, ProfileTask, TrainTask } from './protocol';
import type { Quiet } from './quiet';
import { fmtInt, valueCell, type Cell, type Peak, type Plan, type Row } from './report';

type Log = (line: string) => void;

/** "wasm + BLAS" where the workers' matrix products ran on the BLAS addon, else "wasm". */
export function engineName(backend: BackendFacts | undefined): string {
  return backend?.matmul?.path === 'blas' ? 'wasm + BLAS' : 'wasm';
}

/**
 * tf.matMul's 1024³ rate in one worker: as the engine runs (on the BLAS addon where it is built) and, where
 * that is BLAS, once more on the wasm kernels alone (WORKBENCH_BLAS=off).
 */
export async function measureWasmPeak(
  workerFile: string,
  plan: Plan,
  log: Log,
  quiet: Quiet,
): Promise<{ backend: BackendFacts; peaks: Peak[] }> {
  const task = { kind: 'matmul', size: plan.peak.size, warmup: 2, reps: plan.peak.reps } as const;
  const [outcome] = await quiet.run('peak', 'the engine matMul peak', () => runInWorkers(workerFile, [task]));
  const peaks: Peak[] = [];
  const add = (matmul: typeof outcome.matmul, name: string) => {
    if (!matmul) return;
    const peak: Peak = {
      label: `tf.matMul ${plan.peak.size}³, ${name}, 1 worker`,
      bestGflops: matmul.bestGflops,
      medianGflops: matmul.medianGflops,
    };
    log(`${peak.label}: ${peak.bestGflops.toFixed(1)} GFLOP/s`);
    peaks.push(peak);
  };
  add(outcome.matmul, engineName(outcome.backend));
  if (outcome.backend.matmul?.path === 'blas') {
    const [alone] = await quiet.run('peak', 'the wasm-only matMul peak', () =>
      runInWorkers(workerFile, [task], { WORKBENCH_BLAS: 'off' }),
    );
    add(alone.matmul, 'wasm alone');
  }
  return { backend: outcome.backend, peaks };
}

/** The preset on the bench's rows (no validation or test split), on wasm, for more epochs than a run needs. */
export function benchInput(preset: RunConfigInput, trainRows: number, seed: number): RunConfigInput {
  return {
    ...preset,
    seed,
    backend: 'wasm',
    dataset: { ...preset.dataset, split: { train: trainRows, validation: 0, test: 0 } },
    training: { ...preset.training, epochs: 100 },
  };
}

function trainTask(input: RunConfigInput, steps: Plan['mlp'], holdUntilStop: boolean): TrainTask {
  return { kind: 'train', config: input, warmup: steps.warmup, measure: steps.measure, holdUntilStop };
}

const totalRate = (outcomes: WorkerOutcome[]): number =>
  outcomes.reduce((s, o) => s + (o.train?.samplesPerSec ?? 0), 0);

function cellOf(runs: WorkerOutcome[][]): Cell {
  return valueCell(
    runs.map(totalRate),
    runs.flatMap((r) => r.flatMap((o) => o.train?.stepMs ?? [])),
  );
}

/** Index of the median (the lower middle one for an even count). */
function medianIndex(values: number[]): number {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor((order.length - 1) / 2)][1];
}

export interface EngineResult {
  rows: [Row, Row];
  /** Per-worker rates of the 2-worker MLP repetition whose total is the median. */
  mlpPerWorker: number[];
}

/**
 * Per repetition and model: one worker, then two independent runs (seeds 1 and 2) started together, each
 * holding until both have measured so that every measured step runs under the other's load.
 */
export async function measureEngine(
  workerFile: string,
  plan: Plan,
  presets: { mlp: RunConfigInput; cnn: RunConfigInput },
  log: Log,
  quiet: Quiet,
): Promise<EngineResult> {
  const models = [
    {
      name: 'MLP',
      preset: presets.mlp,
      steps: plan.mlp,
      one: [] as WorkerOutcome[][],
      two: [] as WorkerOutcome[][],
    },
    {
      name: 'CNN',
      preset: presets.cnn,
      steps: plan.cnn,
      one: [] as WorkerOutcome[][],
      two: [] as WorkerOutcome[][],
    },
  ];
  for (let rep = 1; rep <= plan.reps; rep++) {
    const tag = `rep ${rep}/${plan.reps}`;
    for (const m of models) {
      const inputs = [1, 2].map((seed) => benchInput(m.preset, plan.trainRows, seed));
      const single = await quiet.run('engine', `engine ${m.name}, 1 worker, ${tag}`, () =>
        runInWorkers(workerFile, [trainTask(inputs[0], m.steps, false)]),
      );
      m.one.push(single);
      log(`engine ${m.name}, 1 worker, ${tag}: ${fmtInt(totalRate(single))} samples/s`);
      const pair = await quiet.run('engine', `engine ${m.name}, 2 workers, ${tag}`, () =>
        runInWorkers(
          workerFile,
          inputs.map((input) => trainTask(input, m.steps, true)),
        ),
      );
      m.two.push(pair);
      const each = pair.map((o) => fmtInt(o.train?.samplesPerSec ?? 0)).join(' + ');
      log(`engine ${m.name}, 2 workers, ${tag}: ${fmtInt(totalRate(pair))} samples/s (${each})`);
    }
  }
  const [mlp, cnn] = models;
  const pairAtMedian = mlp.two[medianIndex(mlp.two.map(totalRate))];
  const name = engineName(mlp.one[0]?.[0]?.backend);
  return {
    rows: [
      { label: `Workbench ${name}, 1 worker`, threads: 1, mlp: cellOf(mlp.one), cnn: cellOf(cnn.one) },
      {
        label: `Workbench ${name}, 2 workers (total)`,
        threads: 2,
        mlp: cellOf(mlp.two),
        cnn: cellOf(cnn.two),
      },
    ],
    mlpPerWorker: pairAtMedian.map((o) => o.train?.samplesPerSec ?? 0),
  };
}

/**
 * The step profile of each model with 1 worker and with 2 (started together, each holding until both have
 * profiled, as in measureEngine): every kernel of the profiled steps timed by tf.profile.
 */
export async function measureProfiles(
  workerFile: string,
  plan: Plan,
  presets: { mlp: RunConfigInput; cnn: RunConfigInput },
  log: Log,
  quiet: Quiet,
): Promise<StepProfile[]> {
  const profiles: StepProfile[] = [];
  for (const [model, preset, steps] of [
    ['MLP', presets.mlp, plan.profile.mlp],
    ['CNN', presets.cnn, plan.profile.cnn],
  ] as const) {
    for (const workers of [1, 2]) {
      const tasks = Array.from({ length: workers }, (_, i): ProfileTask => ({
        kind: 'profile',
        config: benchInput(preset, plan.trainRows, i + 1),
        ...steps,
        holdUntilStop: workers > 1,
      }));
      const what = `profile ${model}, ${workers} worker${workers > 1 ? 's' : ''}`;
      const outcomes = await quiet.run('profile', what, () => runInWorkers(workerFile, tasks));
      const measured = outcomes.flatMap((o): ProfileMeasurement[] => (o.profile ? [o.profile] : []));
      const profile = stepProfile(model, measured);
      profiles.push(profile);
      log(
        `${what}: step ${profile.stepMs.toFixed(1)} ms, kernels ${profile.kernelMs.toFixed(1)} ms, ` +
          `outside kernels ${profile.outsideMs.toFixed(1)} ms`,
      );
    }
  }
  return profiles;
}
