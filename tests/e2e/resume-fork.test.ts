import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spawnWorkbench, tempWorkspace, workbench, workbenchAsync } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { callServed, serveWorkbench } from '../support/serve';

/**
 * Kept models as a user meets them: a run killed mid-epoch and resumed equals its uninterrupted twin, in the
 * CLI and under `serve`; a completed run extended equals one trained that long; an unchanged fork equals its
 * parent's later epochs; and every refusal is one line that changes nothing.
 */

interface EpochRow {
  epoch: number;
  [metric: string]: number | null;
}

interface Shown {
  id: string;
  status: string;
  epochs: EpochRow[];
  parent: { runId: string; epoch: number } | null;
  resumes: { fromEpoch: number; epochs: number }[];
  checkpoints: { epoch: number; kinds: string[]; trainingState: boolean }[];
}

function show(db: string, runId: string): Shown {
  const result = workbench(['--db', db, 'show', runId, '--json']);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Shown;
}

const metrics = (rows: EpochRow[]) => rows.map(({ seconds: _s, ...rest }) => rest);

function lastLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

/**
 * Many batches per epoch, dropout and momentum: a kill lands inside an epoch, and every stream matters. On
 * tfjs's CPU backend, whose kernels compute the same numbers whatever the process did before; on the wasm
 * backend with BLAS products too (a test below), while wasm's own kernels (WORKBENCH_BLAS=off) leave a resumed
 * MNIST run 1e-7 from its twin (README, "How exact").
 */
function config(epochs: number) {
  const base = smallMnistMlp({ name: 'resumable', epochs });
  return { ...base, training: { ...base.training, batchSize: 10 }, backend: 'cpu' };
}

function runCount(db: string): number {
  return (JSON.parse(workbench(['--db', db, 'runs', '--json']).stdout) as unknown[]).length;
}

async function killedRun(db: string, file: string, afterEpochs: number): Promise<string> {
  const child = spawnWorkbench(['--db', db, 'run', file, '--json']);
  const lines = await child.waitForLines(afterEpochs);
  // Mid-epoch: a batch of the next epoch is under way (100 batches an epoch).
  await new Promise((resolve) => setTimeout(resolve, 30));
  child.child.kill('SIGKILL');
  await child.exited;
  return (JSON.parse(lines[0]) as { runId: string }).runId;
}

describe('resume, extend and fork', () => {
  it('a run killed with SIGKILL mid-epoch, resumed, equals its uninterrupted twin epoch for epoch', async () => {
    const ws = tempWorkspace();
    const file = ws.write('run.json', config(6));
    const twin = lastLine<{ runId: string }>(workbench(['--db', ws.db, 'run', file, '--json']).stdout).runId;
    const runId = await killedRun(ws.db, file, 3);
    const before = show(ws.db, runId);
    expect(['running', 'interrupted']).toContain(before.status);
    const logged = before.epochs.length;
    expect(logged).toBeGreaterThanOrEqual(3);
    expect(before.checkpoints.find((c) => c.kinds.includes('last'))).toMatchObject({
      epoch: logged,
      trainingState: true,
    });

    const resumed = workbench(['--db', ws.db, 'resume', runId.slice(0, 8)]);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`resumed from the checkpoint of epoch ${logged}`);
    const after = show(ws.db, runId);
    expect(after.status).toBe('completed');
    expect(after.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metrics(after.epochs)).toEqual(metrics(show(ws.db, twin).epochs));
    expect(after.resumes).toMatchObject([{ fromEpoch: logged, epochs: 6 }]);
    expect(runCount(ws.db)).toBe(2);

    // Nothing is left to resume: a completed run wants more epochs, and says so.
    const again = workbench(['--db', ws.db, 'resume', runId]);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toMatch(
      /completed its 6 epochs: give --epochs M \(more than 6\) to extend it$/,
    );
  });

  it('extending a completed run to M epochs equals a run trained for M epochs from the start', () => {
    const ws = tempWorkspace();
    const short = lastLine<{ runId: string }>(
      workbench(['--db', ws.db, 'run', ws.write('a.json', config(2)), '--json']).stdout,
    );
    const long = lastLine<{ runId: string }>(
      workbench(['--db', ws.db, 'run', ws.write('b.json', config(4)), '--json']).stdout,
    );
    const extended = workbench(['--db', ws.db, 'resume', short.runId, '--epochs', '4', '--json']);
    expect(extended.status).toBe(0);
    const run = show(ws.db, short.runId);
    expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(metrics(run.epochs)).toEqual(metrics(show(ws.db, long.runId).epochs));
    // Too few epochs for an extension: refused, and the run is as it was.
    const tooFew = workbench(['--db', ws.db, 'resume', short.runId, '--epochs', '3']);
    expect(tooFew.stderr.trim()).toMatch(/--epochs 3: run \w+ has logged 4 epochs already/);
    expect(show(ws.db, short.runId).status).toBe('completed');
  });

  it('on the wasm backend with its matrix products on BLAS (the default path here), an extension in a new process is exact too', () => {
    const ws = tempWorkspace();
    const wasm = (epochs: number) => ({
      ...config(epochs),
      backend: 'wasm',
      model: { kind: 'mlp', hiddenUnits: [256], activation: 'relu', init: 'xavier' },
    });
    const short = lastLine<{ runId: string }>(
      workbench(['--db', ws.db, 'run', ws.write('a.json', wasm(2)), '--json']).stdout,
    );
    const long = lastLine<{ runId: string }>(
      workbench(['--db', ws.db, 'run', ws.write('b.json', wasm(4)), '--json']).stdout,
    );
    expect(workbench(['--db', ws.db, 'resume', short.runId, '--epochs', '4', '--json']).status).toBe(0);
    const run = show(ws.db, short.runId) as Shown & {
      backendReport: { chosen: string; matmul: { path: string } };
    };
    expect(run.backendReport.chosen).toBe('wasm');
    expect(run.backendReport.matmul.path).toBe('blas');
    expect(metrics(run.epochs)).toEqual(metrics(show(ws.db, long.runId).epochs));
  });

  it('an unchanged fork reproduces its parent; a changed one records its parent; shape changes are refused', () => {
    const ws = tempWorkspace();
    const parent = lastLine<{ runId: string }>(
      workbench([
        '--db',
        ws.db,
        'run',
        ws.write('p.json', { ...config(5), checkpoints: { every: 2 } }),
        '--json',
      ]).stdout,
    ).runId;
    const kept = show(ws.db, parent).checkpoints;
    expect(kept.map((c) => c.epoch)).toEqual(expect.arrayContaining([2, 4, 5]));

    const same = workbench(['--db', ws.db, 'fork', parent, '--epoch', '2', '--epochs', '5', '--json']);
    expect(same.status).toBe(0);
    const sameId = lastLine<{ runId: string }>(same.stdout).runId;
    const fork = show(ws.db, sameId);
    expect(fork.parent).toEqual({ runId: parent, epoch: 2 });
    expect(fork.epochs.map((e) => e.epoch)).toEqual([3, 4, 5]);
    expect(metrics(fork.epochs)).toEqual(metrics(show(ws.db, parent).epochs.slice(2)));

    const lower = workbench([
      '--db',
      ws.db,
      'fork',
      parent,
      '--epoch',
      '4',
      '--set',
      'training.learningRate=0.005',
      '--epochs',
      '6',
      '--name',
      'lower lr',
      '--json',
    ]);
    expect(lower.status).toBe(0);
    const lowerRun = show(ws.db, lastLine<{ runId: string }>(lower.stdout).runId);
    expect(lowerRun.epochs.map((e) => e.epoch)).toEqual([5, 6]);
    expect(lowerRun.epochs[0].lr).toBe(0.005);
    expect(lowerRun.epochs[0].trainLoss).not.toBe(show(ws.db, parent).epochs[4].trainLoss);

    const count = runCount(ws.db);
    const refusals: [string[], RegExp][] = [
      [
        ['--set', 'model.hiddenUnits=[64]'],
        /a fork cannot change model\.hiddenUnits: it continues from run \w+'s tensors/,
      ],
      [['--set', 'training.learningRat=0.1'], /training: unknown field\(s\) "learningRat"/],
      [
        ['--epoch', '3'],
        /has no checkpoint at epoch 3; kept epochs: 2 \(periodic\), 4 \(periodic\), 5 \(best, last\)|has no checkpoint at epoch 3; kept epochs: /,
      ],
      [['--epochs', '4'], /a fork from epoch 5 counts its epochs with the parent's; give more than 5/],
      [['--set', 'learningRate'], /--set learningRate: expected PATH=VALUE/],
    ];
    for (const [args, message] of refusals) {
      const refused = workbench(['--db', ws.db, 'fork', parent, ...args]);
      expect(refused.status, args.join(' ')).toBe(1);
      // One line of its own (tfjs's CPU backend may print its greeting beside it).
      expect(refused.stderr.split('\n').filter((l) => l.startsWith('workbench:'))).toHaveLength(1);
      expect(refused.stderr).toMatch(message);
    }
    expect(runCount(ws.db)).toBe(count);
  });

  it('a damaged checkpoint is refused by its hash; a changed dataset and a live run are refused; nothing changes', async () => {
    const ws = tempWorkspace();
    const file = ws.write('run.json', config(400));
    const runId = await killedRun(ws.db, file, 2);
    const conn = new Database(ws.db);
    const { epoch } = conn
      .prepare(`SELECT MAX(epoch) AS epoch FROM checkpoints WHERE run_id = ?`)
      .get(runId) as {
      epoch: number;
    };
    // One byte of the weights changed behind the workbench's back.
    const where = `run_id = ? AND epoch = ? AND part = 'weights'`;
    const blob = (
      conn.prepare(`SELECT data FROM checkpoint_blobs WHERE ${where}`).get(runId, epoch) as { data: Buffer }
    ).data;
    blob[blob.length - 1] ^= 0x01;
    conn.prepare(`UPDATE checkpoint_blobs SET data = ? WHERE ${where}`).run(blob, runId, epoch);
    conn.close();
    const damaged = workbench(['--db', ws.db, 'resume', runId]);
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toMatch(
      new RegExp(`checkpoint of run ${runId} at epoch ${epoch} is damaged: its weights have SHA-256`),
    );
    const forked = workbench(['--db', ws.db, 'fork', runId, '--epoch', String(epoch)]);
    expect(forked.stderr).toMatch(/is damaged/);
    expect(show(ws.db, runId).status).toBe('interrupted');
    expect(runCount(ws.db)).toBe(1);

    const fp = new Database(ws.db);
    fp.prepare(
      `UPDATE runs SET dataset_fingerprint = 'f00d' || substr(dataset_fingerprint, 5) WHERE id = ?`,
    ).run(runId);
    fp.close();
    const changed = workbench(['--db', ws.db, 'resume', runId]);
    expect(changed.stderr).toMatch(/dataset "mnist" has changed since it trained on it \(fingerprint f00d/);

    // A run another process is training is not resumed a second time.
    const live = spawnWorkbench(['--db', ws.db, 'run', file, '--json']);
    const liveId = (JSON.parse((await live.waitForLines(1))[0]) as { runId: string }).runId;
    const busy = await workbenchAsync(['--db', ws.db, 'resume', liveId]);
    live.child.kill('SIGKILL');
    await live.exited;
    expect(busy.status).toBe(1);
    expect(busy.stderr).toMatch(/is running by pid \d+ on .*: it is training already, nothing to resume/);
  });

  it('under serve: a run killed with the server is resumed through the API and equals its twin', async () => {
    const ws = tempWorkspace();
    const file = ws.write('run.json', config(5));
    const twin = lastLine<{ runId: string }>(workbench(['--db', ws.db, 'run', file, '--json']).stdout).runId;
    const served = await serveWorkbench(ws.db);
    const { runId } = await callServed<{ runId: string }>(served, 'runs.start', { config: config(5) });
    // Wait for two logged epochs, then kill the server mid-training.
    for (let i = 0; i < 600; i++) {
      const run = await callServed<{ epochs: number }>(served, 'runs.get', { runId });
      if (run.epochs >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    served.child.kill('SIGKILL');
    await served.stop();

    const again = await serveWorkbench(ws.db);
    try {
      const interrupted = await callServed<{ status: string; epochs: number }>(again, 'runs.get', { runId });
      expect(interrupted.status).toBe('interrupted');
      const resumed = await callServed<{ fromEpoch: number; epochs: number }>(again, 'runs.resume', {
        runId,
      });
      expect(resumed).toMatchObject({ fromEpoch: interrupted.epochs, epochs: 5 });
      for (let i = 0; i < 1200; i++) {
        const run = await callServed<{ status: string }>(again, 'runs.get', { runId });
        if (run.status === 'completed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const refused = await fetch(`${again.origin}/api/runs.resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-workbench-token': again.token },
        body: JSON.stringify({ runId }),
      });
      expect(refused.status).toBe(409);
    } finally {
      await again.stop();
    }
    const run = show(ws.db, runId);
    expect(run.status).toBe('completed');
    expect(metrics(run.epochs)).toEqual(metrics(show(ws.db, twin).epochs));
  });

  it('a finished run leaves a file the size of what it keeps, not of the checkpoint it replaced', () => {
    const ws = tempWorkspace();
    const big = {
      ...config(3),
      backend: 'auto',
      model: { kind: 'mlp', hiddenUnits: [512], activation: 'relu', init: 'xavier' },
      checkpoints: 'last',
    };
    workbench(['--db', ws.db, 'run', ws.write('last.json', big), '--json']);
    const listed = JSON.parse(workbench(['--db', ws.db, 'checkpoints', '--json']).stdout) as {
      store: { checkpointBytes: number };
    };
    // One last checkpoint (weights and velocities) is kept; each epoch wrote its own before deleting the
    // previous one, and those pages went back to the file system when the run ended.
    expect(listed.store.checkpointBytes).toBeGreaterThan(2 * 400_000 * 4);
    expect(statSync(ws.db).size).toBeLessThan(listed.store.checkpointBytes * 1.15 + 1_000_000);
  });

  it('checkpoints prune gives the space back to the file system', () => {
    const ws = tempWorkspace();
    const big = {
      ...config(3),
      backend: 'auto',
      model: { kind: 'mlp', hiddenUnits: [512], activation: 'relu', init: 'xavier' },
    };
    const runId = lastLine<{ runId: string }>(
      workbench(['--db', ws.db, 'run', ws.write('big.json', { ...big, checkpoints: { every: 1 } }), '--json'])
        .stdout,
    ).runId;
    const listed = JSON.parse(workbench(['--db', ws.db, 'checkpoints', '--json']).stdout) as {
      store: { bytesOnDisk: number; checkpointBytes: number };
    };
    expect(listed.store.checkpointBytes).toBeGreaterThan(3 * 400_000 * 4);
    const pruned = workbench([
      '--db',
      ws.db,
      'checkpoints',
      'prune',
      '--runs',
      runId,
      '--keep',
      'best',
      '--json',
    ]);
    expect(pruned.status).toBe(0);
    const result = JSON.parse(pruned.stdout) as {
      checkpointsDeleted: number;
      bytesDeleted: number;
      bytesOnDisk: number;
      bytesOnDiskBefore: number;
    };
    expect(result.checkpointsDeleted).toBeGreaterThanOrEqual(2);
    expect(result.bytesOnDiskBefore - result.bytesOnDisk).toBeGreaterThan(result.bytesDeleted * 0.8);
    expect(show(ws.db, runId).checkpoints).toMatchObject([{ kinds: ['best'], trainingState: false }]);
    const bad = workbench(['--db', ws.db, 'checkpoints', 'prune', '--all', '--keep', 'some']);
    expect(bad.stderr.trim()).toBe('workbench: --keep some: expected best, last or none');
  });
});
