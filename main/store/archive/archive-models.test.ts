import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveManifest } from '../../../common/archive/manifest';
import type { CheckpointPolicy } from '../../../common/checkpoints/policy';
import { encodeTrainingState, type TrainingState } from '../../../common/checkpoints/training-state';
import { RunStore } from '../run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from '../testing/fixtures';
import { exportRunArchive } from './export-archive';

/**
 * Archives with models: real stores in real files, runs with real checkpoints (the codec's bytes, kept by the
 * store's own policy code), exported with and without their models and imported into other stores.
 */

const NONE = new Set<string>();
const FIXTURE = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'tests',
  'fixtures',
  'archive-store-schema-1.wbx',
);
/** 64×32 weights and as many velocities: 8 KB a part, enough that a blob is more than a page. */
const ROWS = 64;
const COLS = 32;

let dir: string;
let source: RunStore;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-archive-models-'));
  clock = Date.parse('2025-03-01T00:00:00.000Z');
  source = RunStore.open(join(dir, 'source.db'), { now: () => new Date((clock += 1000)) });
});
afterEach(() => {
  source.close();
  rmSync(dir, { recursive: true, force: true });
});

function state(epoch: number, seed: number): TrainingState {
  const values = (offset: number) =>
    Float32Array.from({ length: ROWS * COLS }, (_, i) => Math.sin(seed * 1000 + epoch * 31 + i + offset));
  return {
    epoch,
    weights: [{ name: 'dense_1/kernel', shape: [ROWS, COLS], values: values(0) }],
    optimizer: {
      kind: 'momentum',
      step: epoch * 10,
      slots: [{ name: 'velocity/dense_1/kernel', shape: [ROWS, COLS], values: values(0.5) }],
    },
    random: { kind: 'counter', seed, nextEpoch: epoch + 1 },
  };
}

/**
 * A finished run that kept checkpoints as `policy` says, monitoring training loss: its lowest training loss is
 * at epoch 3 of 6, so best and last differ (and with {"every": 2}, epochs 2, 4, 6 are periodic too).
 */
function runWithModels(
  store: RunStore,
  name: string,
  options: { policy?: CheckpointPolicy; tags?: string[]; seed?: number } = {},
): string {
  const policy = options.policy ?? 'best-and-last';
  const seed = options.seed ?? 7;
  const run = store.createRun({
    config: makeRunConfig({ name, tags: options.tags ?? [], checkpoints: policy, seed }),
    datasetFingerprint: 'fp-mnist',
    appVersion: '0.1.0',
  });
  store.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: 'lab' });
  const losses = [0.9, 0.6, 0.3, 0.4, 0.5, 0.45];
  losses.forEach((trainLoss, i) =>
    store.appendEpoch(run.id, makeEpoch(i + 1, { trainLoss }), {
      policy,
      monitor: 'trainLoss',
      state: encodeTrainingState(state(i + 1, seed)),
    }),
  );
  store.finishRun(run.id, 'completed');
  return run.id;
}

/** Every kept checkpoint of a run, read back hash-checked with the optimizer part: what "works there" means. */
function models(store: RunStore, runId: string) {
  return store.checkpoints.list(runId).map((info) => {
    const read = store.checkpoints.read(runId, info.epoch, { optimizer: true });
    return {
      info,
      weights: Buffer.from(read.weights).toString('base64'),
      optimizer: read.optimizer ? Buffer.from(read.optimizer).toString('base64') : null,
    };
  });
}

function exportTo(
  name: string,
  withModels: boolean,
  selection: Parameters<typeof exportRunArchive>[1] = { all: true },
) {
  const out = join(dir, name);
  const result = exportRunArchive(source, selection, out, {
    withDatasets: false,
    withModels,
    appVersion: '0.1.0',
    now: new Date('2025-03-02T00:00:00.000Z'),
  });
  return { out, ...result };
}

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** Every row of every table: "unchanged" means this is equal. */
function digest(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const hash = createHash('sha256');
    for (const { name } of db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
      .all() as { name: string }[]) {
      hash.update(
        name + JSON.stringify(db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2, 3`).raw(true).all()),
      );
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

function edit(file: string, name: string, change: (db: Database.Database) => void): string {
  const copy = join(dir, name);
  copyFileSync(file, copy);
  const db = new Database(copy);
  try {
    change(db);
  } finally {
    db.close();
  }
  return copy;
}

function editManifest(edit: (m: ArchiveManifest) => unknown) {
  return (db: Database.Database) => {
    const m = JSON.parse(
      (db.prepare('SELECT manifest FROM archive_manifest').get() as { manifest: string }).manifest,
    ) as ArchiveManifest;
    db.prepare('UPDATE archive_manifest SET manifest = ?').run(JSON.stringify(edit(m)));
  };
}

function open(name: string): RunStore {
  return RunStore.open(join(dir, name));
}

describe('archives with models', () => {
  it('carry every checkpoint: listed, read and hash-checked in the other store exactly as at home', () => {
    const a = runWithModels(source, 'best and last');
    const b = runWithModels(source, 'every 2', { policy: { every: 2 }, seed: 9 });
    const totals = source.checkpoints.storeTotals();
    expect(source.checkpoints.list(a).map((c) => [c.epoch, c.kinds, c.trainingState])).toEqual([
      [3, ['best'], false],
      [6, ['last'], true],
    ]);

    const { out, manifest } = exportTo('models.wbx', true);
    expect(manifest.counts).toMatchObject({ runs: 2, epochs: 12, checkpoints: totals.checkpoints });
    expect(manifest.models).toEqual({
      included: true,
      bytes: totals.bytes,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      leftOut: { checkpoints: 0, bytes: 0 },
    });

    const target = open('target.db');
    try {
      const preview = target.previewArchive(out, NONE);
      expect(preview.models).toEqual({
        included: true,
        checkpoints: totals.checkpoints,
        bytes: totals.bytes,
        leftOut: { checkpoints: 0, bytes: 0 },
        toAdd: totals.checkpoints,
        toAddBytes: totals.bytes,
      });
      expect(preview.runList.map((r) => r.checkpoints).sort()).toEqual([2, 4]);
      const result = target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(result).toMatchObject({
        imported: 2,
        checkpointsImported: totals.checkpoints,
        checkpointBytesImported: totals.bytes,
      });
      for (const id of [a, b]) {
        expect(target.checkpoints.list(id)).toEqual(source.checkpoints.list(id));
        expect(models(target, id)).toEqual(models(source, id));
        expect(target.getRun(id)).toEqual(source.getRun(id));
      }
      expect(target.checkpoints.resolveEpoch(a, 'best')).toBe(3);
      expect(target.checkpoints.read(a, 6, { optimizer: true }).optimizer).not.toBeNull();

      // Again: nothing changes, nothing doubles.
      const before = digest(join(dir, 'target.db'));
      expect(target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE })).toMatchObject({
        identical: 2,
        imported: 0,
        checkpointsImported: 0,
      });
      expect(digest(join(dir, 'target.db'))).toBe(before);
    } finally {
      target.close();
    }
  });

  it('without models hold no checkpoint rows or blobs, stay the size they were, and say what was left out', () => {
    const a = runWithModels(source, 'a');
    runWithModels(source, 'b', { seed: 3 });
    const totals = source.checkpoints.storeTotals();
    const bare = exportTo('bare.wbx', false);
    const full = exportTo('full.wbx', true);
    expect(rows(bare.out, 'SELECT * FROM checkpoints')).toEqual([]);
    expect(rows(bare.out, 'SELECT * FROM checkpoint_blobs')).toEqual([]);
    expect(bare.manifest.counts.checkpoints).toBe(0);
    expect(bare.manifest.models).toEqual({
      included: false,
      bytes: 0,
      sha256: null,
      leftOut: { checkpoints: totals.checkpoints, bytes: totals.bytes },
    });
    // The models are what makes the difference, and an archive without them is as small as one of runs that
    // never kept any.
    // (Less the few pages the empty checkpoint tables take in either.)
    expect(statSync(full.out).size - statSync(bare.out).size).toBeGreaterThan(totals.bytes - 4 * 4096);
    source.checkpoints.prune([a, ...source.listRuns().map((r) => r.id)], 'none');
    expect(source.checkpoints.storeTotals().checkpoints).toBe(0);
    const never = exportTo('never.wbx', false);
    expect(statSync(bare.out).size).toBe(statSync(never.out).size);

    const target = open('target.db');
    try {
      expect(target.previewArchive(bare.out, NONE).models).toMatchObject({
        included: false,
        checkpoints: 0,
        leftOut: { checkpoints: totals.checkpoints, bytes: totals.bytes },
        toAdd: 0,
      });
      const result = target.importArchive(bare.out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(result).toMatchObject({ imported: 2, checkpointsImported: 0 });
      expect(target.checkpoints.storeTotals()).toEqual({ checkpoints: 0, bytes: 0 });
    } finally {
      target.close();
    }
  });

  it('add the models to an identical run this store has without them, or with some pruned, never doubling one', () => {
    const a = runWithModels(source, 'a');
    const b = runWithModels(source, 'every 2', { policy: { every: 2 }, seed: 5 });
    const bare = exportTo('bare.wbx', false);
    const full = exportTo('full.wbx', true);
    const file = join(dir, 'target.db');
    const target = open('target.db');
    try {
      target.importArchive(bare.out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(target.checkpoints.list(a)).toEqual([]);
      const preview = target.previewArchive(full.out, NONE);
      expect(preview).toMatchObject({ new: 0, identical: 2, conflicting: 0 });
      expect(preview.models.toAdd).toBe(source.checkpoints.storeTotals().checkpoints);
      const result = target.importArchive(full.out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(result).toMatchObject({ identical: 2, imported: 0 });
      expect(result.checkpointsImported).toBe(source.checkpoints.storeTotals().checkpoints);
      for (const id of [a, b]) expect(models(target, id)).toEqual(models(source, id));

      // Pruned here to the best only: the archive gives back the last (with the optimizer state a resume needs).
      target.checkpoints.prune([a, b], 'best');
      expect(target.checkpoints.list(a).map((c) => c.epoch)).toEqual([3]);
      const again = target.importArchive(full.out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(again.checkpointsImported).toBeGreaterThan(0);
      for (const id of [a, b]) expect(models(target, id)).toEqual(models(source, id));
      expect(target.checkpoints.resolveEpoch(a, 'last')).toBe(6);

      // Pruned to the last only, where best and last are one epoch: the kind comes back, the bytes stay.
      const c = runWithModels(source, 'best is last', { seed: 11 });
      const db = new Database(join(dir, 'source.db'));
      db.prepare(`UPDATE checkpoints SET is_best = 1 WHERE run_id = ? AND epoch = 6`).run(c);
      db.prepare(`DELETE FROM checkpoints WHERE run_id = ? AND epoch = 3`).run(c);
      db.close();
      const withC = exportTo('c.wbx', true, { runIds: [c] });
      target.importArchive(withC.out, { onConflict: 'skip', knownFingerprints: NONE });
      target.checkpoints.prune([c], 'best');
      expect(target.checkpoints.list(c).map((k) => [k.epoch, k.kinds, k.trainingState])).toEqual([
        [6, ['best'], false],
      ]);
      const restored = target.importArchive(withC.out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(restored.checkpointsImported).toBe(0);
      expect(models(target, c)).toEqual(models(source, c));

      const before = digest(file);
      target.importArchive(full.out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(digest(file)).toBe(before);
    } finally {
      target.close();
    }
  });

  it('replace a conflicting run’s checkpoints with the archive’s on replace, and keep them on skip', () => {
    const a = runWithModels(source, 'a');
    const full = exportTo('full.wbx', true);
    const bare = exportTo('bare.wbx', false);
    const file = join(dir, 'target.db');
    const target = open('target.db');
    try {
      target.importArchive(full.out, { onConflict: 'skip', knownFingerprints: NONE });
      // The same run went on differently here (another error text): a conflict.
      const db = new Database(file);
      db.prepare(`UPDATE runs SET error = 'edited here' WHERE id = ?`).run(a);
      db.close();
      const mine = models(target, a);

      expect(target.previewArchive(bare.out, NONE).runList[0]).toMatchObject({
        kind: 'conflicting',
        detail: expect.stringContaining('replacing it drops its 2 checkpoint(s) here'),
      });
      expect(target.importArchive(full.out, { onConflict: 'skip', knownFingerprints: NONE })).toMatchObject({
        skippedConflicts: 1,
        checkpointsImported: 0,
      });
      expect(models(target, a)).toEqual(mine);

      target.checkpoints.prune([a], 'none');
      const replaced = target.importArchive(full.out, { onConflict: 'replace', knownFingerprints: NONE });
      expect(replaced).toMatchObject({ replaced: 1, checkpointsImported: 2 });
      expect(models(target, a)).toEqual(models(source, a));
      expect(target.getRun(a)).toEqual(source.getRun(a));
    } finally {
      target.close();
    }
  });

  it('carry a fork’s parent and a run’s resumes, with or without models, and hash them', () => {
    const parent = runWithModels(source, 'parent');
    const child = runWithModels(source, 'child', { seed: 2 });
    const resumes = [{ at: '2025-03-01T10:00:00.000Z', fromEpoch: 4, epochs: 6 }];
    const db = new Database(join(dir, 'source.db'));
    db.prepare(`UPDATE runs SET parent_run_id = ?, parent_epoch = 3, resumes = ? WHERE id = ?`).run(
      parent,
      JSON.stringify(resumes),
      child,
    );
    db.close();
    expect(source.getRun(child)).toMatchObject({ parent: { runId: parent, epoch: 3 }, resumes });
    for (const withModels of [false, true]) {
      const { out } = exportTo(`fork-${withModels}.wbx`, withModels);
      const target = open(`fork-${withModels}.db`);
      try {
        target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
        expect(target.getRun(child)).toMatchObject({ parent: { runId: parent, epoch: 3 }, resumes });
        expect(target.getRun(child)?.checkpoints).toHaveLength(withModels ? 2 : 0);
      } finally {
        target.close();
      }
      const tampered = edit(out, `fork-${withModels}-edited.wbx`, (d) =>
        d.prepare(`UPDATE runs SET parent_epoch = 2 WHERE id = ?`).run(child),
      );
      const other = open(`fork-${withModels}-other.db`);
      try {
        expect(() => other.previewArchive(tampered, NONE)).toThrow(
          `refused: run ${child} does not match its content hash`,
        );
      } finally {
        other.close();
      }
    }
  });

  it('still read archives written before models: the first store schema, and a manifest without models', () => {
    runWithModels(source, 'a');
    const bare = exportTo('bare.wbx', false);
    const older = edit(
      bare.out,
      'older.wbx',
      editManifest((m) => {
        const { models: _, ...rest } = m;
        const { checkpoints: __, ...counts } = m.counts;
        return { ...rest, counts };
      }),
    );
    const target = open('target.db');
    try {
      expect(target.previewArchive(older, NONE).models).toMatchObject({
        included: false,
        checkpoints: 0,
        leftOut: null,
      });
      expect(target.importArchive(older, { onConflict: 'skip', knownFingerprints: NONE })).toMatchObject({
        imported: 1,
      });
      const fixture = target.importArchive(FIXTURE, { onConflict: 'skip', knownFingerprints: NONE });
      expect(fixture).toMatchObject({ upgradedFrom: 1, imported: 2, checkpointsImported: 0 });
      expect(fixture.models).toMatchObject({ included: false, checkpoints: 0, leftOut: null });
      for (const run of target.listRuns()) {
        expect(target.getRun(run.id)).toMatchObject({ parent: null, resumes: [] });
      }
    } finally {
      target.close();
    }
  });
});

describe('a tampered model is refused with one line naming the run and epoch, and nothing is imported', () => {
  let full: string;
  let runId: string;
  let storeFile: string;
  let target: RunStore;

  beforeEach(() => {
    runId = runWithModels(source, 'a');
    runWithModels(source, 'b', { seed: 4 });
    full = exportTo('full.wbx', true).out;
    storeFile = join(dir, 'target.db');
    target = RunStore.open(storeFile);
    runWithModels(target, 'already here', { seed: 5 });
  });
  afterEach(() => target.close());

  const flipOneByte = (part: string, epoch: number) => (db: Database.Database) => {
    const { data } = db
      .prepare(`SELECT data FROM checkpoint_blobs WHERE run_id = ? AND epoch = ? AND part = ?`)
      .get(runId, epoch, part) as { data: Buffer };
    data[data.length - 5] ^= 0x01;
    db.prepare(`UPDATE checkpoint_blobs SET data = ? WHERE run_id = ? AND epoch = ? AND part = ?`).run(
      data,
      runId,
      epoch,
      part,
    );
  };

  const cases: [string, () => string, () => string][] = [
    [
      'one byte of a weights blob',
      () => edit(full, 'weights.wbx', flipOneByte('weights', 3)),
      () =>
        `refused: the checkpoint of run ${runId} at epoch 3 does not match its SHA-256 (its weights were modified or damaged)`,
    ],
    [
      'one byte of an optimizer blob',
      () => edit(full, 'optimizer.wbx', flipOneByte('optimizer', 6)),
      () =>
        `refused: the checkpoint of run ${runId} at epoch 6 does not match its SHA-256 (its optimizer state was modified or damaged)`,
    ],
    [
      'a blob and the hash its row records, together',
      () =>
        edit(full, 'rowtoo.wbx', (db) => {
          flipOneByte('weights', 3)(db);
          const { data } = db
            .prepare(`SELECT data FROM checkpoint_blobs WHERE run_id = ? AND epoch = 3 AND part = 'weights'`)
            .get(runId) as { data: Buffer };
          db.prepare(`UPDATE checkpoints SET weights_sha256 = ? WHERE run_id = ? AND epoch = 3`).run(
            createHash('sha256').update(data).digest('hex'),
            runId,
          );
        }),
      () => 'refused: the checkpoint list does not match its hash in the manifest',
    ],
    [
      'a missing blob',
      () =>
        edit(full, 'missing.wbx', (db) =>
          db
            .prepare(`DELETE FROM checkpoint_blobs WHERE run_id = ? AND epoch = 6 AND part = 'optimizer'`)
            .run(runId),
        ),
      () => `refused: the checkpoint of run ${runId} at epoch 6 lacks its optimizer data`,
    ],
    [
      'a deleted checkpoint',
      () =>
        edit(full, 'deleted.wbx', (db) =>
          db.prepare(`DELETE FROM checkpoints WHERE run_id = ? AND epoch = 3`).run(runId),
        ),
      () => 'the manifest counts 4 checkpoints, the file holds 3',
    ],
    [
      'checkpoints in an archive whose manifest says it has no models',
      () =>
        edit(
          full,
          'hidden.wbx',
          editManifest((m) => ({ ...m, models: { ...m.models!, included: false } })),
        ),
      () => 'refused: the manifest says the archive has no models, the file holds 4 checkpoints',
    ],
  ];

  it.each(cases)('%s', (_, make, message) => {
    const file = make();
    const before = digest(storeFile);
    expect(() => target.previewArchive(file, NONE)).toThrow(message());
    for (const onConflict of ['skip', 'replace'] as const) {
      let error: Error | undefined;
      try {
        target.importArchive(file, { onConflict, knownFingerprints: NONE });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toContain(message());
      expect(error?.message.split('\n')).toHaveLength(1);
      expect(error?.message.startsWith(`${file}: `)).toBe(true);
    }
    expect(digest(storeFile)).toBe(before);
    expect(target.listRuns()).toHaveLength(1);
  });
});
