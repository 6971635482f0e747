import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  type ArchiveManifest,
} from '../../../common/archive/manifest';
import { openDatabase } from '../database';
import { MIGRATIONS } from '../migrations';
import { RunStore } from '../run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from '../testing/fixtures';
import { ARCHIVE_TABLES_SQL } from './archive-schema';
import { hashRun, runContentReader } from './run-content';

/** Real stores in real files: what a user exports on one machine and imports on another. */

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

let dir: string;
let source: RunStore;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-archive-'));
  clock = Date.parse('2025-03-01T00:00:00.000Z');
  source = RunStore.open(join(dir, 'source.db'), { now: () => new Date((clock += 1000)) });
});
afterEach(() => source.close());

function finishedRun(store: RunStore, name: string, tags: string[] = [], epochs = 3) {
  const run = store.createRun({
    config: makeRunConfig({ name, tags }),
    datasetFingerprint: 'fp-mnist',
    appVersion: '0.1.0',
  });
  store.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: 'lab' });
  for (let e = 1; e <= epochs; e++) store.appendEpoch(run.id, makeEpoch(e, { seconds: 0.25 * e }));
  store.finishRun(run.id, 'completed');
  return run.id;
}

/** A finished 3-cell grid, two tagged runs and one still running (never exported). */
function populate(store: RunStore) {
  const gridId = store.grids.createGrid(
    {
      name: 'E5 L2',
      spec: { name: 'E5 L2', base: 'e5', axes: [{ path: 'regularization.l2', values: [0.01, 0.1, 0.5] }] },
      axes: [{ path: 'regularization.l2', label: 'λ', values: [0.01, 0.1, 0.5], scale: 'linear' }],
      cells: [0.01, 0.1, 0.5].map((l2, i) => ({
        index: i,
        point: i,
        repeat: 0,
        position: i,
        values: { 'regularization.l2': l2 },
        config: makeRunConfig({ name: `E5 L2 · λ=${l2}`, regularization: { l2 } }),
        datasetFingerprint: 'fp-mnist',
      })),
    },
    { pid: process.pid, host: 'lab', token: 'tok' },
  );
  for (let i = 0; i < 3; i++) {
    const cell = store.grids.claimNextCell(gridId, { pid: process.pid, host: 'lab', token: 'tok' }, '0.1.0')!;
    store.startRun(cell.runId, { backend: CPU_BACKEND, pid: process.pid, host: 'lab' });
    for (let e = 1; e <= 4; e++) store.appendEpoch(cell.runId, makeEpoch(e, { valLoss: 1 / e + i }));
    store.finishRun(cell.runId, 'completed');
  }
  store.grids.finishIfDone(gridId);
  const tagged = [
    finishedRun(store, 'baseline a', ['paper', 'e2']),
    finishedRun(store, 'baseline b', ['paper']),
  ];
  const running = store.createRun({
    config: makeRunConfig({ name: 'still running' }),
    datasetFingerprint: 'fp',
    appVersion: '0.1.0',
  });
  return { gridId, tagged, running: running.id };
}

/** Every row of every table, in a stable order: "unchanged" means this is equal. */
function digest(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const hash = createHash('sha256');
    for (const t of tables)
      hash.update(t + JSON.stringify(db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).raw(true).all()));
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

function comparable(store: RunStore, id: string) {
  const run = store.getRun(id)!;
  return { ...run, epochsLogged: store.getEpochs(id) };
}

function params(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM params ORDER BY run_id, key').all();
  } finally {
    db.close();
  }
}

describe('archive export and import', () => {
  it('round-trips runs, epochs, params, tags and grids into an empty store, keeping every id', () => {
    const { gridId, tagged, running } = populate(source);
    const out = join(dir, 'all.wbx');
    const { manifest, leftOut } = source.exportArchive({ all: true }, out, {
      withDatasets: false,
      appVersion: '0.1.0',
    });
    expect(leftOut).toEqual([{ ...leftOut[0], id: running, status: 'queued' }]);
    expect(manifest).toMatchObject({
      format: ARCHIVE_FORMAT,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      counts: { runs: 5, epochs: 18, grids: 1, gridCells: 3, experiments: 1, datasets: 0, datasetArrays: 0 },
    });
    expect(existsSync(`${out}-wal`)).toBe(false);

    const target = RunStore.open(join(dir, 'target.db'));
    try {
      const preview = target.previewArchive(out, NONE);
      expect(preview).toMatchObject({ runs: 5, new: 5, identical: 0, conflicting: 0, grids: 1, gridsNew: 1 });
      const result = target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(result).toMatchObject({ imported: 5, identical: 0, replaced: 0 });
      const ids = source
        .listRuns()
        .filter((r) => r.id !== running)
        .map((r) => r.id)
        .sort();
      expect(
        target
          .listRuns()
          .map((r) => r.id)
          .sort(),
      ).toEqual(ids);
      for (const id of ids) expect(comparable(target, id)).toEqual(comparable(source, id));
      expect(params(join(dir, 'target.db'))).toEqual(
        params(join(dir, 'source.db')).filter((p) => (p as { run_id: string }).run_id !== running),
      );
      expect(target.getRun(tagged[0])?.tags).toEqual(['paper', 'e2']);
      expect(target.grids.getGrid(gridId)).toMatchObject({ name: 'E5 L2', status: 'completed', cells: 3 });
      expect(target.grids.cells(gridId).map((c) => [c.index, c.runId, c.status])).toEqual(
        source.grids.cells(gridId).map((c) => [c.index, c.runId, c.status]),
      );
      expect(target.grids.cellEpochs(gridId)).toEqual(source.grids.cellEpochs(gridId));
    } finally {
      target.close();
    }
  });

  it('merging the same archive again changes nothing at all', () => {
    populate(source);
    const out = join(dir, 'a.wbx');
    source.exportArchive({ all: true }, out, { withDatasets: false, appVersion: '0.1.0' });
    const file = join(dir, 'twice.db');
    const target = RunStore.open(file);
    try {
      target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
      const before = digest(file);
      const again = target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(again).toMatchObject({
        runs: 5,
        new: 0,
        identical: 5,
        conflicting: 0,
        imported: 0,
        tagsUnited: 0,
        gridsNew: 0,
      });
      expect(digest(file)).toBe(before);
    } finally {
      target.close();
    }
  });

  it('exports a tag or a grid with what goes with them, and refuses an empty selection', () => {
    const { gridId, tagged } = populate(source);
    const byTag = join(dir, 'tag.wbx');
    expect(
      source.exportArchive({ tag: 'paper' }, byTag, { withDatasets: false, appVersion: 't' }).manifest.counts,
    ).toMatchObject({ runs: 2, grids: 0 });
    const byGrid = join(dir, 'grid.wbx');
    expect(
      source.exportArchive({ gridId: gridId.slice(0, 6) }, byGrid, { withDatasets: false, appVersion: 't' })
        .manifest.counts,
    ).toMatchObject({
      runs: 3,
      grids: 1,
      gridCells: 3,
    });
    const target = RunStore.open(join(dir, 't.db'));
    try {
      target.importArchive(byTag, { onConflict: 'skip', knownFingerprints: NONE });
      expect(
        target
          .listRuns()
          .map((r) => r.id)
          .sort(),
      ).toEqual([...tagged].sort());
    } finally {
      target.close();
    }
    expect(() =>
      source.exportArchive({ tag: 'nope' }, join(dir, 'x.wbx'), { withDatasets: false, appVersion: 't' }),
    ).toThrow('nothing to export: --tag nope selects no runs');
    expect(existsSync(join(dir, 'x.wbx'))).toBe(false);
  });

  it('reports a conflict and keeps the store’s run unless asked to replace it; unites differing tags', () => {
    const { tagged } = populate(source);
    const out = join(dir, 'c.wbx');
    source.exportArchive({ all: true }, out, { withDatasets: false, appVersion: '0.1.0' });
    const file = join(dir, 'conflict.db');
    const target = RunStore.open(file);
    try {
      target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
      // The same run went on differently here (another error text), and got another tag.
      const db = new Database(file);
      db.prepare(`UPDATE runs SET error = 'edited here' WHERE id = ?`).run(tagged[0]);
      db.close();
      target.setTags(tagged[1], ['mine']);

      const preview = target.previewArchive(out, NONE);
      expect(preview).toMatchObject({ new: 0, identical: 4, conflicting: 1 });
      expect(preview.runList.find((r) => r.id === tagged[0])).toMatchObject({ kind: 'conflicting' });
      const skipped = target.importArchive(out, { onConflict: 'skip', knownFingerprints: NONE });
      expect(skipped).toMatchObject({ conflicting: 1, skippedConflicts: 1, replaced: 0, tagsUnited: 1 });
      expect(target.getRun(tagged[0])?.error).toBe('edited here');
      expect(target.getRun(tagged[1])?.tags).toEqual(['mine', 'paper']);

      const replaced = target.importArchive(out, { onConflict: 'replace', knownFingerprints: NONE });
      expect(replaced).toMatchObject({ replaced: 1, skippedConflicts: 0 });
      expect(comparable(target, tagged[0])).toEqual(comparable(source, tagged[0]));
    } finally {
      target.close();
    }
  });

  it('names datasets the receiver lacks, and carries an imported dataset’s arrays when asked', () => {
    const run = finishedRun(source, 'on notmnist');
    const db = new Database(join(dir, 'source.db'));
    db.prepare(
      `UPDATE runs SET dataset_id = 'notmnist', dataset_fingerprint = 'fp-notmnist' WHERE id = ?`,
    ).run(run);
    db.prepare(
      `INSERT INTO datasets (id, name, source_file, format, dtype, shape, classes, examples, fingerprint, scale_max, created_at)
       VALUES ('notmnist', 'notMNIST', 'n.npz', 'npz', 'uint8', '[28,28,1]', 10, 2, 'fp-notmnist', 255, '2025-01-01T00:00:00Z')`,
    ).run();
    db.prepare(`INSERT INTO dataset_arrays (dataset_id, x, y) VALUES ('notmnist', ?, ?)`).run(
      Buffer.alloc(2 * 784),
      Buffer.alloc(8),
    );
    db.close();
    const bare = join(dir, 'bare.wbx');
    const full = join(dir, 'full.wbx');
    source.exportArchive({ runIds: [run.slice(0, 8)] }, bare, { withDatasets: false, appVersion: 't' });
    source.exportArchive({ runIds: [run] }, full, { withDatasets: true, appVersion: 't' });
    const target = RunStore.open(join(dir, 'd.db'));
    try {
      expect(target.previewArchive(bare, NONE).datasetsMissing).toEqual([
        { id: 'notmnist', fingerprint: 'fp-notmnist', runs: 1 },
      ]);
      expect(target.previewArchive(full, NONE).datasetsMissing).toEqual([]);
      target.importArchive(full, { onConflict: 'skip', knownFingerprints: NONE });
      expect(target.loadImportedDataset('notmnist')?.info.fingerprint).toBe('fp-notmnist');
    } finally {
      target.close();
    }
  });

  it('upgrades an archive of the first store schema on import', () => {
    if (process.env.WORKBENCH_WRITE_FIXTURES) writeSchemaOneFixture(FIXTURE);
    const target = RunStore.open(join(dir, 'up.db'));
    try {
      const result = target.importArchive(FIXTURE, { onConflict: 'skip', knownFingerprints: NONE });
      expect(result).toMatchObject({ upgradedFrom: 1, runs: 2, imported: 2 });
      const runs = target.listRuns();
      expect(runs.map((r) => r.name).sort()).toEqual(['schema-1 run a', 'schema-1 run b']);
      expect(runs.every((r) => r.gridId === null)).toBe(true);
      expect(target.getEpochs(runs[0].id)).toHaveLength(3);
      expect(target.importArchive(FIXTURE, { onConflict: 'skip', knownFingerprints: NONE })).toMatchObject({
        identical: 2,
        imported: 0,
      });
    } finally {
      target.close();
    }
    // The committed file itself is never written.
    expect(readFileSync(FIXTURE).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });
});

describe('broken and hostile archives are refused with one line, and the store is unchanged', () => {
  let valid: string;
  let storeFile: string;
  let target: RunStore;

  beforeEach(() => {
    populate(source);
    valid = join(dir, 'valid.wbx');
    source.exportArchive({ all: true }, valid, { withDatasets: false, appVersion: '0.1.0' });
    storeFile = join(dir, 'target.db');
    target = RunStore.open(storeFile);
    finishedRun(target, 'already here');
  });
  afterEach(() => target.close());

  function variant(name: string, change: (db: Database.Database) => void): string {
    const file = join(dir, name);
    copyFileSync(valid, file);
    const db = new Database(file);
    change(db);
    db.close();
    return file;
  }

  function editManifest(edit: (m: ArchiveManifest) => unknown) {
    return (db: Database.Database) => {
      const m = JSON.parse(
        (db.prepare('SELECT manifest FROM archive_manifest').get() as { manifest: string }).manifest,
      ) as ArchiveManifest;
      db.prepare('UPDATE archive_manifest SET manifest = ?').run(JSON.stringify(edit(m)));
    };
  }

  const cases: [string, () => string, RegExp][] = [
    [
      'a text file',
      () => (writeFileSync(join(dir, 'notes.wbx'), 'x'.repeat(4096)), join(dir, 'notes.wbx')),
      /not an SQLite database file/,
    ],
    [
      'an empty file',
      () => (writeFileSync(join(dir, 'empty.wbx'), ''), join(dir, 'empty.wbx')),
      /not an SQLite database file/,
    ],
    [
      'a truncated file',
      () => {
        const file = join(dir, 'truncated.wbx');
        copyFileSync(valid, file);
        truncateSync(file, Math.floor(readFileSync(valid).length / 2));
        return file;
      },
      /damaged|truncated/,
    ],
    [
      'corrupted pages',
      () => {
        const file = join(dir, 'corrupt.wbx');
        const bytes = readFileSync(valid);
        for (let i = 4096 + 100; i < bytes.length; i += 997) bytes[i] ^= 0xff;
        writeFileSync(file, bytes);
        return file;
      },
      /damaged/,
    ],
    [
      'a trigger',
      () =>
        variant('trigger.wbx', (db) =>
          db.exec(`CREATE TRIGGER evil AFTER INSERT ON runs BEGIN DELETE FROM runs; END`),
        ),
      /unexpected trigger "evil"/,
    ],
    [
      'a view',
      () => variant('view.wbx', (db) => db.exec(`CREATE VIEW v AS SELECT * FROM runs`)),
      /unexpected view "v"/,
    ],
    [
      'an extra table',
      () => variant('table.wbx', (db) => db.exec(`CREATE TABLE extra (x)`)),
      /unexpected table "extra"/,
    ],
    [
      'a dropped index',
      () => variant('index.wbx', (db) => db.exec(`DROP INDEX runs_by_dataset`)),
      /lacks index "runs_by_dataset"/,
    ],
    [
      'no manifest',
      () => variant('nomanifest.wbx', (db) => db.exec(`DELETE FROM archive_manifest`)),
      /has no manifest/,
    ],
    [
      'a newer archive format',
      () =>
        variant(
          'newer.wbx',
          editManifest((m) => ({ ...m, formatVersion: 99 })),
        ),
      /newer Experiment Workbench \(archive format 99/,
    ],
    [
      'a newer store schema',
      () => variant('newschema.wbx', (db) => db.pragma('user_version = 99')),
      /newer Experiment Workbench \(store schema 99/,
    ],
    [
      'a changed epoch',
      () =>
        variant('tampered.wbx', (db) =>
          db.exec(`UPDATE epoch_metrics SET train_loss = 0.001 WHERE epoch = 2`),
        ),
      /does not match its content hash/,
    ],
    [
      'a wrong count',
      () =>
        variant(
          'count.wbx',
          editManifest((m) => ({ ...m, counts: { ...m.counts, runs: m.counts.runs + 1 } })),
        ),
      /manifest counts 6 runs, the file holds 5/,
    ],
    [
      'a run without a hash',
      () =>
        variant('nohash.wbx', (db) =>
          db.exec(`DELETE FROM archive_runs WHERE run_id = (SELECT run_id FROM archive_runs LIMIT 1)`),
        ),
      /has no content hash/,
    ],
    [
      'a bad manifest field',
      () =>
        variant(
          'badfield.wbx',
          editManifest((m) => ({ ...m, format: 'something-else' })),
        ),
      /manifest field format/,
    ],
    [
      'an absurd size',
      () => {
        const file = join(dir, 'huge.wbx');
        copyFileSync(valid, file);
        truncateSync(file, 5 * 1024 ** 3);
        return file;
      },
      /larger than any archive/,
    ],
    ['a folder', () => (mkdirSync(join(dir, 'folder.wbx')), join(dir, 'folder.wbx')), /not a file/],
    ['a missing file', () => join(dir, 'missing.wbx'), /cannot read the file \(ENOENT\)/],
  ];

  it.each(cases)('%s', (_, make, message) => {
    const file = make();
    const before = digest(storeFile);
    expect(() => target.previewArchive(file, NONE)).toThrow(message);
    expect(() => target.importArchive(file, { onConflict: 'replace', knownFingerprints: NONE })).toThrow(
      message,
    );
    try {
      target.importArchive(file, { onConflict: 'skip', knownFingerprints: NONE });
    } catch (error) {
      expect((error as Error).message.split('\n')).toHaveLength(1);
      expect((error as Error).message.startsWith(file)).toBe(true);
    }
    expect(digest(storeFile)).toBe(before);
  });
});

/**
 * The archive format's first store schema, as a file: two finished runs written with migration 1 only. The
 * committed copy is what the upgrade test reads; WORKBENCH_WRITE_FIXTURES=1 writes it again.
 */
function writeSchemaOneFixture(file: string): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  const tmp = `${file}.tmp`;
  const db = openDatabase(tmp, MIGRATIONS.slice(0, 1));
  db.exec(ARCHIVE_TABLES_SQL);
  db.prepare(
    `INSERT INTO experiments (id, name, created_at) VALUES (1, 'Default', '2025-01-01T00:00:00.000Z')`,
  ).run();
  ['a', 'b'].forEach((suffix, i) => {
    const id = `00000000-0000-4000-8000-00000000000${i}`;
    const config = makeRunConfig({ name: `schema-1 run ${suffix}`, experiment: 'Default' });
    db.prepare(
      `INSERT INTO runs (id, experiment_id, name, status, config, seed, dataset_id, dataset_fingerprint, backend, app_version,
                         created_at, started_at, finished_at, epochs_planned, tags)
       VALUES (?, 1, ?, 'completed', ?, 42, 'mnist', 'fp-mnist', 'cpu', '0.1.0', ?, ?, ?, 20, '["old"]')`,
    ).run(
      id,
      config.name,
      JSON.stringify(config),
      '2025-01-01T00:00:00.000Z',
      '2025-01-01T00:00:01.000Z',
      '2025-01-01T00:00:09.000Z',
    );
    for (let e = 1; e <= 3; e++) {
      const m = makeEpoch(e);
      db.prepare(
        `INSERT INTO epoch_metrics VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, '2025-01-01T00:00:05.000Z')`,
      ).run(id, e, m.trainLoss, m.trainAcc, m.valLoss, m.valAcc, m.lr, m.seconds, e * 0.5);
    }
  });
  const reader = runContentReader(db);
  for (const { id } of db.prepare('SELECT id FROM runs').all() as { id: string }[]) {
    const run = reader.read(id)!;
    const h = hashRun(run.content, run.tags);
    db.prepare('INSERT INTO archive_runs VALUES (?, ?, ?)').run(id, h.hash, h.coreHash);
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    formatVersion: 1,
    appVersion: '0.1.0',
    schemaVersion: 1,
    createdAt: '2025-01-01T00:00:10.000Z',
    sourceHost: 'fixture',
    selection: '--all',
    counts: { runs: 2, epochs: 6, grids: 0, gridCells: 0, experiments: 1, datasets: 0, datasetArrays: 0 },
  };
  db.prepare('INSERT INTO archive_manifest VALUES (1, ?)').run(JSON.stringify(manifest));
  db.pragma('journal_mode = DELETE');
  db.exec('VACUUM');
  db.close();
  copyFileSync(tmp, file);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${tmp}${suffix}`, { force: true });
}
