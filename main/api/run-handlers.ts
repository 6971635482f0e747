import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import { formatConfigIssues } from '../../common/config/config-issues';
import type { RunStatus } from '../../common/types';
import type { RunStore } from '../store/run-store';
import type { RunQueue } from '../services/run-queue';
import { checkResolvedConfig, requireValidConfig, type ConfigCheckContext } from '../services/config-check';
import { ApiInputError, ConflictError, NotFoundError } from '../services/errors';
import type { EventHub } from './event-hub';
import { toRunTableRow } from './run-table';
import { runVersions } from './versions';

export interface RunHandlerDeps {
  store: RunStore;
  /** Null when the store is only being looked at (`serve --read-only`): every change is refused. */
  queue: RunQueue | null;
  events: EventHub<ApiEvent>;
  checks: ConfigCheckContext;
  /** This installation's runtime versions (see runtimeVersions). */
  runtimeVersions: Record<string, string | null>;
  now?: () => Date;
}

type RunHandlers = Pick<
  ApiHandlers,
  | 'runs.list'
  | 'runs.get'
  | 'runs.epochs'
  | 'runs.epochColumns'
  | 'runs.start'
  | 'runs.rerun'
  | 'runs.cancel'
  | 'runs.delete'
  | 'runs.setTags'
  | 'runs.details'
>;

/** How many ids an error message lists before "and N more". */
const IDS_SHOWN = 5;

const UNFINISHED: readonly RunStatus[] = ['queued', 'running'];

/** Handlers of every runs.* method. Mutations check everything first, so a refused call changes nothing. */
export function createRunHandlers(deps: RunHandlerDeps): RunHandlers {
  const { store, events, checks } = deps;
  const queue = (): RunQueue => deps.queue ?? refuseReadOnly(store.path);
  const now = deps.now ?? (() => new Date());

  /** Throws not-found naming every id the store does not have. */
  function requireRunsExist(runIds: readonly string[]): Map<string, RunStatus> {
    const statuses = new Map<string, RunStatus>();
    const missing: string[] = [];
    for (const runId of runIds) {
      const status = store.runStatus(runId);
      if (status === undefined) missing.push(runId);
      else statuses.set(runId, status);
    }
    if (missing.length > 0) throw new NotFoundError(noRunsMessage(missing));
    return statuses;
  }

  /**
   * Last test accuracy of finished runs, by id: their epochs never change again, so each is read once (the
   * table is refetched many times a second while runs train). Unfinished runs are read on every call.
   */
  const finishedTestAcc = new Map<string, number | null>();
  function lastTestAcc(runId: string, status: RunStatus, epochs: number): number | null {
    if (epochs === 0) return null;
    const known = finishedTestAcc.get(runId);
    if (known !== undefined) return known;
    const summary = store.getRun(runId)?.summaries.find((s) => s.metric === 'testAcc');
    const value = summary ? summary.lastValue : null;
    if (!UNFINISHED.includes(status)) finishedTestAcc.set(runId, value);
    return value;
  }

  return {
    'runs.list': () => {
      const at = now();
      const entries = store.listRunTable();
      // Deleted runs leave the cache.
      const present = new Set(entries.map((e) => e.id));
      for (const id of finishedTestAcc.keys()) if (!present.has(id)) finishedTestAcc.delete(id);
      return entries.map((entry) =>
        toRunTableRow(entry, at, lastTestAcc(entry.id, entry.status, entry.epochs)),
      );
    },

    'runs.get': ({ runId }) => {
      const run = store.getRun(runId);
      if (!run) throw new NotFoundError(noRunsMessage([runId]));
      return { ...run, versions: runVersions(run, deps.runtimeVersions) };
    },

    'runs.epochs': ({ runIds }) => {
      const unique = [...new Set(runIds)];
      requireRunsExist(unique);
      return unique.map((runId) => ({ runId, epochs: store.getEpochs(runId) }));
    },

    'runs.epochColumns': ({ runIds }) => {
      const unique = [...new Set(runIds)];
      requireRunsExist(unique);
      return unique.map((runId) => ({ runId, columns: store.getEpochColumns(runId) }));
    },

    'runs.start': ({ config }) => {
      const valid = requireValidConfig(config, checks);
      return { runId: queue().submit(valid.config, valid.dataset.fingerprint).runId };
    },

    'runs.rerun': ({ runId }) => {
      const run = store.getRun(runId);
      if (!run) throw new NotFoundError(noRunsMessage([runId]));
      // The stored config is the resolved one: it goes to training as it is, seed and all.
      const check = checkResolvedConfig(run.config, checks);
      if (!check.ok) {
        throw new ApiInputError(
          check.issues,
          `run ${run.id} cannot be re-run here: ${formatConfigIssues(check.issues)}`,
        );
      }
      if (check.dataset.fingerprint !== run.datasetFingerprint) {
        throw new ConflictError(
          `dataset "${run.datasetId}" has changed since run ${run.id} trained on it (fingerprint ` +
            `${short(run.datasetFingerprint)} then, ${short(check.dataset.fingerprint)} now): ` +
            `a re-run would not be identical`,
        );
      }
      return { runId: queue().submit(run.config, run.datasetFingerprint).runId };
    },

    'runs.cancel': ({ runId }) => {
      // Here at once, or in the process that trains it (the CLI, another window) at its next heartbeat.
      if (queue().cancel(runId)) return { cancelled: true };
      // Unknown, or already finished: nothing to stop.
      requireRunsExist([runId]);
      return { cancelled: false };
    },

    'runs.details': ({ runIds }) => {
      const unique = [...new Set(runIds)];
      requireRunsExist(unique);
      return unique.map((runId) => {
        const run = store.getRun(runId)!;
        return { ...run, versions: runVersions(run, deps.runtimeVersions) };
      });
    },

    'runs.delete': ({ runIds }) => {
      if (!deps.queue) refuseReadOnly(store.path);
      const unique = [...new Set(runIds)];
      const statuses = requireRunsExist(unique);
      const busy = unique.filter((runId) => UNFINISHED.includes(statuses.get(runId)!));
      if (busy.length > 0) {
        const [runs, them] = busy.length === 1 ? ['a run', 'it'] : ['runs', 'them'];
        // Named as the user knows them (the run's name), with the short id that tells same-named runs apart.
        const named = listIds(
          busy.map((runId) => {
            const name = store.getRun(runId)?.name;
            const what = `${statuses.get(runId)}, ${runId.slice(0, 8)}`;
            return name ? `"${name}" (${what})` : `${runId} (${statuses.get(runId)})`;
          }),
        );
        throw new ConflictError(
          `cannot delete ${runs} still queued or running: ${named}; cancel ${them} first`,
        );
      }
      const deleted = store.deleteRuns(unique);
      events.emit({ type: 'runs.changed' });
      return { deleted };
    },

    'runs.setTags': ({ runId, tags }) => {
      if (!deps.queue) refuseReadOnly(store.path);
      const unique = [...new Set(tags)];
      store.setTags(runId, unique);
      events.emit({ type: 'runs.changed' });
      return { tags: unique };
    },
  };
}

/** What every change to a store opened with `serve --read-only` answers. */
export function refuseReadOnly(path: string): never {
  throw new ConflictError(`${path} is open read-only: nothing can be started, changed or deleted here`);
}

function noRunsMessage(runIds: readonly string[]): string {
  return runIds.length === 1 ? `no run with id ${runIds[0]}` : `no runs with ids ${listIds(runIds)}`;
}

function listIds(items: readonly string[]): string {
  const shown = items.slice(0, IDS_SHOWN).join(', ');
  return items.length > IDS_SHOWN ? `${shown} and ${items.length - IDS_SHOWN} more` : shown;
}

function short(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}
