import type Database from 'better-sqlite3';
import {
  classifyRun,
  manifestModels,
  uniteTags,
  type ArchiveImportResult,
  type ArchivePreview,
  type ArchivePreviewRun,
} from '../../../common/archive/manifest';
import type { VerifiedArchive } from './open-archive';
import { runContentReader } from './run-content';

/**
 * Merging a verified archive into the store, and previewing what that would do. Runs keep their ids: a run
 * the store lacks is added; one it has with the same content is skipped (its tags are united); one with the
 * same id but other content is a conflict, never overwritten unless the caller asks (`onConflict: 'replace'`,
 * and never a run still training here). Grids and experiments merge by id and by name. Checkpoints (an
 * archive written with models) come with new and replaced runs, and fill in an identical run's missing ones
 * (see importModels). One transaction:
 * the store holds all of the archive afterwards or none of it, and merging the same archive again changes
 * nothing.
 */

export interface MergeOptions {
  onConflict: 'skip' | 'replace';
  /**
   * A conflicting run that stopped here (interrupted, cancelled, failed) is replaced by the archive's: the
   * same run resumed elsewhere from its checkpoint (a resubmitted Slurm task), which holds every epoch it had.
   */
  supersedeStopped?: boolean;
  /** Dataset fingerprints this installation can train on (built-in and imported), to name missing ones. */
  knownFingerprints: ReadonlySet<string>;
}

interface ArchivedRun {
  id: string;
  name: string;
  status: string;
  dataset_id: string;
  dataset_fingerprint: string;
  tags: string;
  grid_id: string | null;
}

/** Every column of a table, by name, in the store's order. */
function columnsOf(db: Database.Database, schema: string, table: string): string[] {
  return (db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/**
 * The runs columns an import copies: all but the experiment (mapped by name). Read from the store, so a
 * column a later migration adds (a fork's parent, its resumes) travels without being listed here; the
 * archive has the same columns, upgraded with the same migrations.
 */
function runColumnsExceptExperiment(db: Database.Database): string {
  return columnsOf(db, 'main', 'runs')
    .filter((c) => c !== 'experiment_id')
    .join(', ');
}

export function previewArchive(
  db: Database.Database,
  archive: VerifiedArchive,
  options: MergeOptions,
): ArchivePreview {
  return withArchive(db, archive, () => plan(db, archive, options).preview);
}

export function importArchive(
  db: Database.Database,
  archive: VerifiedArchive,
  options: MergeOptions,
): ArchiveImportResult {
  return withArchive(db, archive, () =>
    db
      .transaction(() => {
        const { preview, runs } = plan(db, archive, options);
        const busy = new Set(
          (
            db.prepare(`SELECT id FROM main.runs WHERE status IN ('queued', 'running')`).all() as {
              id: string;
            }[]
          ).map((r) => r.id),
        );
        const toInsert = runs.filter((r) => r.kind === 'new').map((r) => r.id);
        const stopped = new Set(
          (
            db
              .prepare(
                `SELECT id FROM main.runs WHERE status IN ('interrupted', 'cancelled', 'failed', 'paused')`,
              )
              .all() as { id: string }[]
          ).map((r) => r.id),
        );
        const toReplace = runs
          .filter(
            (r) =>
              r.kind === 'conflicting' &&
              !busy.has(r.id) &&
              (options.onConflict === 'replace' || (options.supersedeStopped === true && stopped.has(r.id))),
          )
          .map((r) => r.id);
        const deleteRun = db.prepare('DELETE FROM main.runs WHERE id = ?');
        for (const id of toReplace) deleteRun.run(id);

        db.exec(`
        INSERT INTO main.experiments (name, created_at)
          SELECT name, created_at FROM arc.experiments WHERE true ON CONFLICT (name) DO NOTHING;
      `);
        const gridsBefore = new Set(
          (db.prepare('SELECT id FROM main.grids').all() as { id: string }[]).map((g) => g.id),
        );
        // A grid that arrives with cells left to train is stopped here: it resumes only when the user says so.
        db.exec(`
        INSERT INTO main.grids (id, name, spec, axes, status, cells, created_at, finished_at, pruning)
          SELECT id, name, spec, axes,
                 CASE status WHEN 'running' THEN 'cancelled' ELSE status END, cells, created_at, finished_at, pruning
          FROM arc.grids WHERE true ON CONFLICT (id) DO NOTHING;
        INSERT INTO main.grid_rungs SELECT * FROM arc.grid_rungs
          WHERE grid_id IN (SELECT id FROM arc.grids) ON CONFLICT DO NOTHING;
        INSERT INTO main.grid_cells (grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint,
                                     run_id, attempts)
          SELECT grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint, NULL, attempts
          FROM arc.grid_cells WHERE true ON CONFLICT (grid_id, idx) DO NOTHING;
      `);

        const ids = JSON.stringify([...toInsert, ...toReplace]);
        const runColumns = runColumnsExceptExperiment(db);
        db.prepare(
          `INSERT INTO main.runs (experiment_id, ${runColumns})
           SELECT (SELECT m.id FROM main.experiments m WHERE m.name = e.name), ${prefixed('r', runColumns)}
           FROM arc.runs r JOIN arc.experiments e ON e.id = r.experiment_id
           WHERE r.id IN (SELECT value FROM json_each(?))`,
        ).run(ids);
        for (const table of [
          'params',
          'epoch_metrics',
          'metric_summaries',
          'layer_stats',
          'run_schedules',
          'eval_points',
          'point_layer_stats',
        ]) {
          db.prepare(
            `INSERT INTO main.${table} SELECT * FROM arc.${table} WHERE run_id IN (SELECT value FROM json_each(?))`,
          ).run(ids);
        }
        const models = importModels(
          db,
          [...toInsert, ...toReplace],
          runs.filter((r) => r.kind === 'identical' && r.mergeModels).map((r) => r.id),
        );

        // Tags are united on runs the store already had (identical, or conflicting and kept).
        let tagsUnited = 0;
        const setTags = db.prepare('UPDATE main.runs SET tags = ? WHERE id = ?');
        const localTags = db.prepare<[string], { tags: string }>('SELECT tags FROM main.runs WHERE id = ?');
        for (const run of runs) {
          if (!run.tagsDiffer || run.kind === 'new' || toReplace.includes(run.id)) continue;
          const local = JSON.parse(localTags.get(run.id)!.tags) as string[];
          const united = uniteTags(local, JSON.parse(run.archived.tags) as string[]);
          if (united.length !== local.length) {
            setTags.run(JSON.stringify(united), run.id);
            tagsUnited += 1;
          }
        }

        // A cell takes the archive's run when the store has none for it, or only an attempt that did not finish.
        db.prepare(
          `UPDATE main.grid_cells AS c
             SET run_id = a.run_id, attempts = MAX(c.attempts, a.attempts)
           FROM arc.grid_cells a
           WHERE a.grid_id = c.grid_id AND a.idx = c.idx AND a.run_id IS NOT NULL
             AND a.run_id IN (SELECT id FROM main.runs)
             AND (c.run_id IS NULL
                  OR (SELECT status FROM main.runs WHERE id = c.run_id) IN ('interrupted', 'cancelled'))`,
        ).run();
        // Grids whose every cell now has a finished run are complete here too.
        db.exec(`
        UPDATE main.grids SET status = 'completed', finished_at = COALESCE(finished_at, strftime('%Y-%m-%dT%H:%M:%fZ'))
        WHERE status <> 'completed' AND id IN (SELECT grid_id FROM arc.grid_cells)
          AND NOT EXISTS (
            SELECT 1 FROM main.grid_cells c LEFT JOIN main.runs r ON r.id = c.run_id
            WHERE c.grid_id = main.grids.id
              AND (r.id IS NULL OR r.status NOT IN ('completed', 'failed', 'diverged', 'pruned')));
      `);

        const datasetsImported = db
          .prepare(
            `INSERT INTO main.datasets SELECT * FROM arc.datasets WHERE true ON CONFLICT (id) DO NOTHING`,
          )
          .run().changes;
        db.exec(
          `INSERT INTO main.dataset_arrays SELECT * FROM arc.dataset_arrays WHERE true ON CONFLICT (dataset_id) DO NOTHING`,
        );

        const gridsNew = (db.prepare('SELECT id FROM main.grids').all() as { id: string }[]).filter(
          (g) => !gridsBefore.has(g.id),
        ).length;
        const result: ArchiveImportResult = {
          ...preview,
          imported: toInsert.length,
          replaced: toReplace.length,
          skippedConflicts: preview.conflicting - toReplace.length,
          tagsUnited,
          gridsMerged: preview.grids - gridsNew,
          datasetsImported,
          checkpointsImported: models.checkpoints,
          checkpointBytesImported: models.bytes,
        };
        return result;
      })
      .immediate(),
  );
}

function prefixed(alias: string, columns: string): string {
  return columns
    .split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

function withArchive<T>(db: Database.Database, archive: VerifiedArchive, body: () => T): T {
  const trusted = db.pragma('trusted_schema', { simple: true });
  db.pragma('trusted_schema = OFF');
  db.prepare('ATTACH DATABASE ? AS arc').run(archive.path);
  try {
    return body();
  } finally {
    db.exec('DETACH DATABASE arc');
    db.pragma(`trusted_schema = ${trusted ? 'ON' : 'OFF'}`);
  }
}

interface PlannedRun {
  id: string;
  kind: ArchivePreviewRun['kind'];
  tagsDiffer: boolean;
  archived: ArchivedRun;
  /** An identical run whose checkpoints here agree with the archive's: the archive's fill in what is missing. */
  mergeModels: boolean;
  /** Checkpoints (and their bytes) an import with `skip` adds for this run. */
  toAdd: { checkpoints: number; bytes: number };
}

interface CheckpointKey {
  epoch: number;
  is_best: number;
  is_last: number;
  weights_sha256: string;
  bytes: number;
}

/**
 * Copies the archive's checkpoints into the store, blobs with their rows, in the import's transaction:
 * every checkpoint of `whole` runs (new here, or replacing this store's run, whose own checkpoints went with
 * it), and, of the `fill` runs (identical, models agreeing), the checkpoints at epochs this store keeps none
 * for, plus what an epoch kept on both sides has only in the archive (a kind pruned here, the optimizer state
 * a resume needs). A checkpoint this store has is never overwritten and never doubled.
 */
function importModels(
  db: Database.Database,
  whole: readonly string[],
  fill: readonly string[],
): { checkpoints: number; bytes: number } {
  const columns = columnsOf(db, 'main', 'checkpoints').join(', ');
  db.exec(`
    CREATE TEMP TABLE archive_checkpoints_add (run_id TEXT NOT NULL, epoch INTEGER NOT NULL,
                                               PRIMARY KEY (run_id, epoch)) WITHOUT ROWID;
  `);
  try {
    db.prepare(
      `INSERT INTO temp.archive_checkpoints_add SELECT a.run_id, a.epoch FROM arc.checkpoints a
       WHERE a.run_id IN (SELECT value FROM json_each(@whole))
          OR (a.run_id IN (SELECT value FROM json_each(@fill))
              AND NOT EXISTS (SELECT 1 FROM main.checkpoints c WHERE c.run_id = a.run_id AND c.epoch = a.epoch))`,
    ).run({ whole: JSON.stringify(whole), fill: JSON.stringify(fill) });
    const added = db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(a.weights_bytes + COALESCE(a.optimizer_bytes, 0)), 0) AS bytes
         FROM arc.checkpoints a JOIN temp.archive_checkpoints_add t ON t.run_id = a.run_id AND t.epoch = a.epoch`,
      )
      .get() as { n: number; bytes: number };
    db.exec(`
      INSERT INTO main.checkpoints (${columns})
        SELECT ${prefixed('a', columns)} FROM arc.checkpoints a
        JOIN temp.archive_checkpoints_add t ON t.run_id = a.run_id AND t.epoch = a.epoch
        ORDER BY a.run_id, a.epoch;
      INSERT INTO main.checkpoint_blobs (run_id, epoch, part, data)
        SELECT b.run_id, b.epoch, b.part, b.data FROM arc.checkpoint_blobs b
        JOIN temp.archive_checkpoints_add t ON t.run_id = b.run_id AND t.epoch = b.epoch
        ORDER BY b.run_id, b.epoch, b.part;
    `);
    // Epochs both keep, the same weights: the optimizer state the archive has and this store dropped, and the
    // kinds (best, last, periodic) this store no longer marks.
    const fillIds = JSON.stringify(fill);
    const optimizer = db
      .prepare(
        `INSERT INTO main.checkpoint_blobs (run_id, epoch, part, data)
         SELECT b.run_id, b.epoch, b.part, b.data FROM arc.checkpoint_blobs b
         JOIN arc.checkpoints a ON a.run_id = b.run_id AND a.epoch = b.epoch
         JOIN main.checkpoints c ON c.run_id = a.run_id AND c.epoch = a.epoch
         WHERE b.part = 'optimizer' AND c.optimizer_sha256 IS NULL AND c.weights_sha256 = a.weights_sha256
           AND a.run_id IN (SELECT value FROM json_each(?))`,
      )
      .run(fillIds).changes;
    const optimizerBytes = optimizer
      ? (
          db
            .prepare(
              `SELECT COALESCE(SUM(a.optimizer_bytes), 0) AS bytes FROM arc.checkpoints a
               JOIN main.checkpoints c ON c.run_id = a.run_id AND c.epoch = a.epoch
               WHERE c.optimizer_sha256 IS NULL AND a.optimizer_sha256 IS NOT NULL
                 AND c.weights_sha256 = a.weights_sha256 AND a.run_id IN (SELECT value FROM json_each(?))`,
            )
            .get(fillIds) as { bytes: number }
        ).bytes
      : 0;
    db.prepare(
      `UPDATE main.checkpoints AS c
         SET is_best = MAX(c.is_best, a.is_best), is_last = MAX(c.is_last, a.is_last),
             is_periodic = MAX(c.is_periodic, a.is_periodic),
             optimizer_bytes = COALESCE(c.optimizer_bytes, a.optimizer_bytes),
             optimizer_sha256 = COALESCE(c.optimizer_sha256, a.optimizer_sha256)
       FROM arc.checkpoints a
       WHERE a.run_id = c.run_id AND a.epoch = c.epoch AND a.weights_sha256 = c.weights_sha256
         AND c.run_id IN (SELECT value FROM json_each(?))
         AND (a.is_best > c.is_best OR a.is_last > c.is_last OR a.is_periodic > c.is_periodic
              OR (c.optimizer_sha256 IS NULL AND a.optimizer_sha256 IS NOT NULL))`,
    ).run(fillIds);
    return { checkpoints: added.n, bytes: added.bytes + optimizerBytes };
  } finally {
    db.exec('DROP TABLE temp.archive_checkpoints_add');
  }
}

/**
 * Whether an identical run's checkpoints here and in the archive are the same run's models: where both keep
 * an epoch, the same weights; where both mark a best or a last, at the same epoch. (An identical run has the
 * same epochs, so this holds unless a file was edited; then this store's models are left as they are.)
 */
function modelsAgree(local: readonly CheckpointKey[], archived: readonly CheckpointKey[]): boolean {
  const here = new Map(local.map((c) => [c.epoch, c]));
  for (const c of archived) {
    const mine = here.get(c.epoch);
    if (mine && mine.weights_sha256 !== c.weights_sha256) return false;
  }
  for (const kind of ['is_best', 'is_last'] as const) {
    const a = local.find((c) => c[kind] === 1)?.epoch;
    const b = archived.find((c) => c[kind] === 1)?.epoch;
    if (a !== undefined && b !== undefined && a !== b) return false;
  }
  return true;
}

function plan(
  db: Database.Database,
  archive: VerifiedArchive,
  options: MergeOptions,
): { preview: ArchivePreview; runs: PlannedRun[] } {
  const local = runContentReader(db, 'main');
  const archived = db
    .prepare(
      'SELECT id, name, status, dataset_id, dataset_fingerprint, tags, grid_id FROM arc.runs ORDER BY created_at, id',
    )
    .all() as ArchivedRun[];
  const localStatus = db.prepare<[string], { status: string }>('SELECT status FROM main.runs WHERE id = ?');
  const checkpointKeys = (schema: 'main' | 'arc') =>
    db.prepare<[string], CheckpointKey>(
      `SELECT epoch, is_best, is_last, weights_sha256, weights_bytes + COALESCE(optimizer_bytes, 0) AS bytes
       FROM ${schema}.checkpoints WHERE run_id = ? ORDER BY epoch`,
    );
  const localCheckpoints = checkpointKeys('main');
  const archivedCheckpoints = checkpointKeys('arc');
  const runs: PlannedRun[] = [];
  const runList: ArchivePreviewRun[] = [];
  for (const run of archived) {
    const incoming = archive.hashes.get(run.id)!;
    const { kind, tagsDiffer } = classifyRun(local.hashes(run.id), incoming);
    const models = archivedCheckpoints.all(run.id);
    const here = kind === 'new' ? [] : localCheckpoints.all(run.id);
    const mergeModels = kind === 'identical' && models.length > 0 && modelsAgree(here, models);
    const kept = new Set(here.map((c) => c.epoch));
    const adds = kind === 'new' ? models : mergeModels ? models.filter((c) => !kept.has(c.epoch)) : [];
    const toAdd = { checkpoints: adds.length, bytes: adds.reduce((n, c) => n + c.bytes, 0) };
    runs.push({ id: run.id, kind, tagsDiffer, archived: run, mergeModels, toAdd });
    const entry: ArchivePreviewRun = {
      id: run.id,
      name: run.name,
      kind,
      tagsDiffer,
      checkpoints: models.length,
    };
    if (kind === 'conflicting') {
      const status = localStatus.get(run.id)?.status;
      entry.detail =
        status !== run.status
          ? `status ${status} here, ${run.status} in the archive`
          : 'same id, different content (config, epochs or timestamps)';
      if (here.length > 0 && models.length === 0)
        entry.detail += `; replacing it drops its ${here.length} checkpoint(s) here (the archive has no models for it)`;
    }
    runList.push(entry);
  }
  const localDatasets = new Set(
    (db.prepare('SELECT fingerprint FROM main.datasets').all() as { fingerprint: string }[]).map(
      (d) => d.fingerprint,
    ),
  );
  const archiveArrays = new Set(
    (
      db
        .prepare('SELECT d.fingerprint FROM arc.datasets d JOIN arc.dataset_arrays a ON a.dataset_id = d.id')
        .all() as {
        fingerprint: string;
      }[]
    ).map((d) => d.fingerprint),
  );
  const missing = new Map<string, { id: string; fingerprint: string; runs: number }>();
  for (const run of archived) {
    const fp = run.dataset_fingerprint;
    if (options.knownFingerprints.has(fp) || localDatasets.has(fp) || archiveArrays.has(fp)) continue;
    const entry = missing.get(fp) ?? { id: run.dataset_id, fingerprint: fp, runs: 0 };
    entry.runs += 1;
    missing.set(fp, entry);
  }
  const gridIds = (db.prepare('SELECT id FROM arc.grids').all() as { id: string }[]).map((g) => g.id);
  const hasGrid = db.prepare<[string], { id: string }>('SELECT id FROM main.grids WHERE id = ?');
  const preview: ArchivePreview = {
    file: archive.file,
    manifest: archive.manifest,
    upgradedFrom: archive.upgradedFrom,
    runs: runs.length,
    new: runs.filter((r) => r.kind === 'new').length,
    identical: runs.filter((r) => r.kind === 'identical').length,
    conflicting: runs.filter((r) => r.kind === 'conflicting').length,
    grids: gridIds.length,
    gridsNew: gridIds.filter((id) => !hasGrid.get(id)).length,
    datasetsMissing: [...missing.values()],
    models: {
      ...manifestModels(archive.manifest),
      toAdd: runs.reduce((n, r) => n + r.toAdd.checkpoints, 0),
      toAddBytes: runs.reduce((n, r) => n + r.toAdd.bytes, 0),
    },
    runList,
  };
  return { preview, runs };
}
