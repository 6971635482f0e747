import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { runHashInputs, type RunContent, type RunHashes } from '../../../common/archive/manifest';

/**
 * A run's content read from a store or an archive (the same schema), and its hashes. Reading goes through
 * the schema name (`main`, or an attached archive) so that both sides are hashed by the same code.
 */

interface RunRow {
  id: string;
  name: string;
  experiment: string;
  status: string;
  config: string;
  seed: number;
  dataset_id: string;
  dataset_fingerprint: string;
  backend: string | null;
  app_version: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  grid_id: string | null;
  grid_cell: number | null;
  early_stop: string | null;
  parent_run_id: string | null;
  parent_epoch: number | null;
  resumes: string | null;
  tags: string;
}

type EpochTuple = (number | null)[];

export interface RunContentReader {
  /** The run's content and tags; undefined when the schema has no run with this id. */
  read(runId: string): { content: RunContent; tags: string[] } | undefined;
  hashes(runId: string): RunHashes | undefined;
}

export function runContentReader(db: Database.Database, schema = 'main'): RunContentReader {
  // An archive of store schema 1 has no grid or early-stop columns (before 4, no parent or resumes): they read
  // as null, as they would after the migrations that add them, so the same run hashes the same before and
  // after an upgrade.
  const columns = new Set(
    (db.prepare(`PRAGMA ${schema}.table_info(runs)`).all() as { name: string }[]).map((c) => c.name),
  );
  const column = (name: string) => (columns.has(name) ? `r.${name}` : `NULL AS ${name}`);
  const selectRun = db.prepare<[string], RunRow>(`
    SELECT r.id, r.name, e.name AS experiment, r.status, r.config, r.seed, r.dataset_id, r.dataset_fingerprint,
           r.backend, r.app_version, r.error, r.created_at, r.started_at, r.finished_at, ${column('grid_id')},
           ${column('grid_cell')}, ${column('early_stop')}, ${column('parent_run_id')}, ${column('parent_epoch')},
           ${column('resumes')}, r.tags
    FROM ${schema}.runs r JOIN ${schema}.experiments e ON e.id = r.experiment_id WHERE r.id = ?`);
  const selectEpochs = db
    .prepare<[string], EpochTuple>(
      `
      SELECT epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, lr, seconds, elapsed_seconds
      FROM ${schema}.epoch_metrics WHERE run_id = ? ORDER BY epoch`,
    )
    .raw(true);
  const read = (runId: string) => {
    const row = selectRun.get(runId);
    if (!row) return undefined;
    const content: RunContent = {
      id: row.id,
      name: row.name,
      experiment: row.experiment,
      status: row.status,
      config: JSON.parse(row.config) as unknown,
      seed: row.seed,
      datasetId: row.dataset_id,
      datasetFingerprint: row.dataset_fingerprint,
      backend: row.backend,
      appVersion: row.app_version,
      error: row.error,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      gridId: row.grid_id,
      gridCell: row.grid_cell,
      earlyStop: row.early_stop === null ? null : (JSON.parse(row.early_stop) as unknown),
      epochs: selectEpochs.all(runId),
    };
    // Only where there is one: a run without a parent or a resume hashes as before schema 4 had them.
    if (row.parent_run_id !== null) content.parent = { runId: row.parent_run_id, epoch: row.parent_epoch };
    const resumes = row.resumes === null ? [] : (JSON.parse(row.resumes) as unknown[]);
    if (resumes.length > 0) content.resumes = resumes;
    return { content, tags: JSON.parse(row.tags) as string[] };
  };
  return {
    read,
    hashes(runId) {
      const run = read(runId);
      return run ? hashRun(run.content, run.tags) : undefined;
    },
  };
}

export function hashRun(content: RunContent, tags: readonly string[]): RunHashes {
  const { core, full } = runHashInputs(content, tags);
  return { coreHash: sha256(core), hash: sha256(full) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
