import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../main/store/run-store';
import { tempWorkspace, workbench, workbenchJson } from '../support/cli';
import { callServed, serveWorkbench } from '../support/serve';

/**
 * Taking models to another machine as a user does: a run trained for real keeps its best and last checkpoints,
 * is exported with `--with-models`, imported into a fresh store, and resumed there, where it trains on exactly
 * as it does at home. Without `--with-models` the archive carries no weights and says so.
 */

interface CheckpointsJson {
  runs: { runId: string; checkpoints: unknown[]; bytes: number }[];
}

function lastLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

describe('workbench archive export --with-models', () => {
  it('carries the models: listed and read back byte for byte in the other store, and resumed there as at home', async () => {
    const lab = tempWorkspace('workbench-lab-');
    const laptop = tempWorkspace('workbench-laptop-');
    const trained = workbench(['--db', lab.db, 'run', 'e7-iris-nesterov', '--epochs', '6', '--json']);
    expect(trained.status, trained.stderr).toBe(0);
    const { runId } = lastLine<{ runId: string }>(trained.stdout);
    const home = workbenchJson<CheckpointsJson>(['--db', lab.db, 'checkpoints', runId]).runs[0];
    expect(home.checkpoints.length).toBeGreaterThan(0);

    const full = join(lab.dir, 'models.wbx');
    const bare = join(lab.dir, 'bare.wbx');
    const text = workbench([
      '--db',
      lab.db,
      'archive',
      'export',
      '--runs',
      runId,
      '--out',
      full,
      '--with-models',
    ]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`models: ${home.checkpoints.length} checkpoint\\(s\\), [0-9.]+ (B|kB|MB)`),
    );
    const exported = workbenchJson<{ checkpoints: number; checkpointBytes: number }>([
      '--db',
      lab.db,
      'archive',
      'export',
      '--runs',
      runId,
      '--out',
      full,
      '--with-models',
    ]);
    expect(exported).toMatchObject({ checkpoints: home.checkpoints.length, checkpointBytes: home.bytes });
    const without = workbench(['--db', lab.db, 'archive', 'export', '--runs', runId, '--out', bare]);
    expect(without.stdout).toMatch(
      new RegExp(`models: not included; the runs keep ${home.checkpoints.length} checkpoint\\(s\\)`),
    );
    expect(statSync(bare).size).toBeLessThanOrEqual(statSync(full).size);

    const inspected = workbench(['--db', laptop.db, 'archive', 'inspect', full]);
    expect(inspected.stdout).toMatch(
      new RegExp(
        `models: ${home.checkpoints.length} checkpoint\\(s\\), [^;]+; ${home.checkpoints.length} new here`,
      ),
    );
    const inspectedJson = workbenchJson<{
      models: { included: boolean; checkpoints: number; bytes: number };
    }>(['--db', laptop.db, 'archive', 'inspect', full]);
    expect(inspectedJson.models).toMatchObject({
      included: true,
      checkpoints: home.checkpoints.length,
      bytes: home.bytes,
    });
    expect(workbench(['--db', laptop.db, 'archive', 'inspect', bare]).stdout).toMatch(/models: not included/);

    // A tampered blob: refused in one line naming the run and the epoch; the laptop's store stays empty.
    const tampered = join(lab.dir, 'tampered.wbx');
    copyFileSync(full, tampered);
    const db = new Database(tampered);
    const blob = db
      .prepare(`SELECT epoch, data FROM checkpoint_blobs WHERE part = 'weights' LIMIT 1`)
      .get() as {
      epoch: number;
      data: Buffer;
    };
    blob.data[blob.data.length - 1] ^= 0x01;
    db.prepare(`UPDATE checkpoint_blobs SET data = ? WHERE epoch = ? AND part = 'weights'`).run(
      blob.data,
      blob.epoch,
    );
    db.close();
    const refused = workbench(['--db', laptop.db, 'archive', 'import', tampered]);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `workbench: ${tampered}: refused: the checkpoint of run ${runId} at epoch ${blob.epoch} does not match its SHA-256 (its weights were modified or damaged)`,
    );
    expect(workbenchJson<unknown[]>(['--db', laptop.db, 'runs'])).toEqual([]);

    const imported = workbenchJson<{
      imported: number;
      checkpointsImported: number;
      checkpointBytesImported: number;
    }>(['--db', laptop.db, 'archive', 'import', full]);
    expect(imported).toMatchObject({
      imported: 1,
      checkpointsImported: home.checkpoints.length,
      checkpointBytesImported: home.bytes,
    });
    expect(workbenchJson<CheckpointsJson>(['--db', laptop.db, 'checkpoints', runId]).runs[0]).toEqual(home);

    // The store's own reads: the same list, the same bytes, every hash checked.
    const here = RunStore.open(lab.db);
    const there = RunStore.open(laptop.db);
    try {
      expect(there.checkpoints.list(runId)).toEqual(here.checkpoints.list(runId));
      for (const { epoch } of here.checkpoints.list(runId)) {
        const a = here.checkpoints.read(runId, epoch, { optimizer: true });
        const b = there.checkpoints.read(runId, epoch, { optimizer: true });
        expect(Buffer.from(b.weights).equals(Buffer.from(a.weights))).toBe(true);
        expect(b.optimizer === null ? null : Buffer.from(b.optimizer)).toEqual(
          a.optimizer === null ? null : Buffer.from(a.optimizer),
        );
      }
    } finally {
      here.close();
      there.close();
    }

    // The API makes the same choice: withModels carries them, leaving it out does not.
    const served = await serveWorkbench(lab.db);
    try {
      const exportOver = (params: unknown) =>
        callServed<{ counts: { checkpoints?: number }; bytes: number }>(served, 'archives.export', params);
      const withModels = await exportOver({ selection: { runIds: [runId] }, withModels: true });
      const plain = await exportOver({ selection: { runIds: [runId] } });
      expect(withModels.counts.checkpoints).toBe(home.checkpoints.length);
      expect(plain.counts.checkpoints).toBe(0);
      expect(plain.bytes).toBeLessThanOrEqual(withModels.bytes);
    } finally {
      await served.stop();
    }

    // Resumed in the other store, it trains on exactly as it does at home.
    const epochsOf = (dbFile: string) =>
      workbenchJson<{ epochs: { epoch: number; trainLoss: number; testLoss: number | null }[] }>([
        '--db',
        dbFile,
        'show',
        runId,
      ]).epochs.map((e) => [e.epoch, e.trainLoss, e.testLoss]);
    for (const dbFile of [laptop.db, lab.db]) {
      const resumed = workbench(['--db', dbFile, 'resume', runId, '--epochs', '9', '--json']);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(lastLine<{ status: string }>(resumed.stdout)).toMatchObject({ runId, status: 'completed' });
    }
    const away = epochsOf(laptop.db);
    expect(away).toHaveLength(9);
    expect(away).toEqual(epochsOf(lab.db));
  });
});
