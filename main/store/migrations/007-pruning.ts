import type Database from 'better-sqlite3';
import type { Migration } from './migration';

/**
 * Live pruning of grids (common/grid/pruning.ts):
 * - `runs.status` may be `paused` (a cell at a rung, waiting for the rung's decision) and `pruned` (a cell a
 *   rung ended). SQLite cannot alter a CHECK constraint, so the table is rebuilt as SQLite's documented
 *   procedure does it (https://sqlite.org/lang_altertable.html#otheralter): a copy with the new constraint
 *   takes every row, the old table goes, the copy takes its name, and its indexes are made again. The
 *   migration runner turns foreign keys off around it: dropping `runs` with them on would cascade into every
 *   epoch, checkpoint and point.
 * - `grids.pruning`: the pruning the grid trains with, `{spec, fullEpochs}`, null for a full grid.
 * - `grid_rungs`: every rung decided, once: which cells went on, which were pruned, which had ended before.
 *   A decision recorded stands, whatever a later process reads, so two processes never decide one rung twice.
 */
export const pruningMigration: Migration = {
  version: 7,
  name: 'pruning',
  up(db) {
    rebuildRunsWithStatuses(db);
    db.exec(`
      ALTER TABLE grids ADD COLUMN pruning TEXT CHECK (pruning IS NULL OR json_valid(pruning));
      CREATE TABLE grid_rungs (
        grid_id TEXT NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
        bracket INTEGER NOT NULL CHECK (bracket >= 0),
        epoch INTEGER NOT NULL CHECK (epoch >= 1),
        kept TEXT NOT NULL CHECK (json_valid(kept)),
        pruned TEXT NOT NULL CHECK (json_valid(pruned)),
        ended_before TEXT NOT NULL CHECK (json_valid(ended_before)),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (grid_id, bracket, epoch)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};

const OLD_CHECK = `CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted'))`;
const NEW_CHECK =
  `CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted', ` +
  `'paused', 'pruned'))`;

function rebuildRunsWithStatuses(db: Database.Database): void {
  const table = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'runs'`).get() as {
    sql: string;
  };
  if (!table.sql.includes(OLD_CHECK))
    throw new Error('migration 7: the runs table has an unexpected status check');
  const indexes = db
    .prepare(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL`)
    .all() as { sql: string }[];
  const createNew = table.sql
    .replace(OLD_CHECK, NEW_CHECK)
    .replace(/^CREATE TABLE "?runs"?/, 'CREATE TABLE runs_rebuilt');
  db.exec(createNew);
  db.exec(`INSERT INTO runs_rebuilt SELECT * FROM runs`);
  db.exec(`DROP TABLE runs`);
  db.exec(`ALTER TABLE runs_rebuilt RENAME TO runs`);
  for (const index of indexes) db.exec(index.sql);
}
