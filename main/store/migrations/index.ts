import type { Migration } from './migration';
import { initialMigration } from './001-initial';
import { gridsQueueLivenessMigration } from './002-grids-queue-liveness';
import { gridRunnerMigration } from './003-grid-runner';
import { checkpointsMigration } from './004-checkpoints';
import { layerStatsMigration } from './005-layer-stats';
import { evalPointsMigration } from './006-eval-points';
import { pruningMigration } from './007-pruning';

/** Every migration, in order. Append only: a released migration is never edited, only followed by a new one. */
export const MIGRATIONS: readonly Migration[] = [
  initialMigration,
  gridsQueueLivenessMigration,
  gridRunnerMigration,
  checkpointsMigration,
  layerStatsMigration,
  evalPointsMigration,
  pruningMigration,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export type { Migration } from './migration';
