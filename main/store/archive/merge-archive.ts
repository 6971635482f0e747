import type Database from 'better-sqlite3';
import {
  classifyRun,
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
 * and never a run still training here). Grids and experiments merge by id and by name. One transaction:
 * the store holds all of the archive afterwards or none of it, and merging the same archive again changes
 * nothing.
 */

export interface MergeOptions {
  onConflict: 'skip' | 'replace';
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

const RUN_COLUMNS_EXCEPT_EXPERIMENT = [
  'id',
  'name',
  'status',
  'config',
  'seed',
  'dataset_id',
  'dataset_fingerprint',
  'backend',
  'backend_report',
  'app_version',
  'error',
  'created_at',
  'started_at',
  'finished_at',
  'epochs_planned',
  'owner_pid',
  'owner_host',
  'tags',
  'grid_id',
  'grid_cell',
  'owner_token',
  'heartbeat_at',
  'cancel_requested',
  'early_stop',
].join(', ');

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
        const toReplace =
          options.onConflict === 'replace'
            ? runs.filter((r) => r.kind === 'conflicting' && !busy.has(r.id)).map((r) => r.id)
            : [];
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
        INSERT INTO main.grids (id, name, spec, axes, status, cells, created_at, finished_at)
          SELECT id, name, spec, axes,
                 CASE status WHEN 'running' THEN 'cancelled' ELSE status END, cells, created_at, finished_at
          FROM arc.grids WHERE true ON CONFLICT (id) DO NOTHING;
        INSERT INTO main.grid_cells (grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint,
                                     run_id, attempts)
          SELECT grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint, NULL, attempts
          FROM arc.grid_cells WHERE true ON CONFLICT (grid_id, idx) DO NOTHING;
      `);

        const ids = JSON.stringify([...toInsert, ...toReplace]);
        db.prepare(
          `INSERT INTO main.runs (experiment_id, ${RUN_COLUMNS_EXCEPT_EXPERIMENT})
           SELECT (SELECT m.id FROM main.experiments m WHERE m.name = e.name), ${prefixed('r', RUN_COLUMNS_EXCEPT_EXPERIMENT)}
           FROM arc.runs r JOIN arc.experiments e ON e.id = r.experiment_id
           WHERE r.id IN (SELECT value FROM json_each(?))`,
        ).run(ids);
        for (const table of ['params', 'epoch_metrics', 'metric_summaries']) {
          db.prepare(
            `INSERT INTO main.${table} SELECT * FROM arc.${table} WHERE run_id IN (SELECT value FROM json_each(?))`,
          ).run(ids);
        }

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
            WHERE c.grid_id = main.grids.id AND (r.id IS NULL OR r.status NOT IN ('completed', 'failed', 'diverged')));
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
  const runs: PlannedRun[] = [];
  const runList: ArchivePreviewRun[] = [];
  for (const run of archived) {
    const incoming = archive.hashes.get(run.id)!;
    const { kind, tagsDiffer } = classifyRun(local.hashes(run.id), incoming);
    runs.push({ id: run.id, kind, tagsDiffer, archived: run });
    const entry: ArchivePreviewRun = { id: run.id, name: run.name, kind, tagsDiffer };
    if (kind === 'conflicting') {
      const here = localStatus.get(run.id)?.status;
      entry.detail =
        here !== run.status
          ? `status ${here} here, ${run.status} in the archive`
          : 'same id, different content (config, epochs or timestamps)';
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
    runList,
  };
  return { preview, runs };
}
