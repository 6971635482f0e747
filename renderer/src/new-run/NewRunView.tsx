import type { DatasetInfo } from '../../../common/types';
import { useMemo, useState } from 'react';
import type { ConfigIssue, PresetInfo, RunTableRow } from '../../../common/api/contract';
import { ApiError } from '../../../common/api/contract';
import type { EpochChoice } from '../../../common/checkpoints/types';
import { useAppInfo } from '../common/app-info';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { formatInteger } from '../common/format';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { useLoad } from '../common/use-load';
import { navigate } from '../routing/use-route';
import { ConfigForm } from './ConfigForm';
import { setPath } from './config-path';
import { DatasetPanel } from './DatasetPanel';
import { FieldIssues } from './FieldIssues';
import { ForkBanner } from './ForkBanner';
import { forkIssues, resolveForkEpoch, type ForkSource } from './fork-plan';
import { assignIssues, switchModelKind, visibleFields, type FormOptionsContext } from './form-spec';
import { toInputConfig } from './input-config';
import { variationOf } from './variation-name';
import { configText, JsonEditor, parseConfigText } from './JsonEditor';
import { ModelSummaryPanel } from './ModelSummaryPanel';
import { LAST_RUN, PresetPicker } from './PresetPicker';
import { useConfigCheck } from './use-config-check';

type Draft = Record<string, unknown>;

/** Used only when no preset is bundled: the smallest config that trains (Iris, one hidden layer). */
const FALLBACK_CONFIG: Draft = {
  name: 'new run',
  seed: 1,
  dataset: { id: 'iris', split: { train: 0.6, validation: 0.2, test: 0.2 } },
  model: { kind: 'mlp', hiddenUnits: [16] },
  training: { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 50 },
};

function newestRun(runs: readonly RunTableRow[]): RunTableRow | null {
  return runs.reduce<RunTableRow | null>((a, b) => (a === null || b.createdAt > a.createdAt ? b : a), null);
}

/** `fork`: fork mode, on that run's config, continuing from its kept checkpoint at `epoch`. */
export function NewRunView({ fork }: { fork?: { runId: string; epoch: EpochChoice } } = {}) {
  const client = useClient();
  const sources = useLoad(
    async () => {
      const [presets, datasets, runs] = await Promise.all([
        client.call('presets.list', {}),
        client.call('datasets.list', {}),
        client.call('runs.list', {}),
      ]);
      if (fork) {
        const parent = await client.call('runs.get', { runId: fork.runId });
        const checkpoint = resolveForkEpoch(parent.checkpoints, fork.epoch);
        if (typeof checkpoint === 'string') throw new Error(`${parent.name}: ${checkpoint}`);
        const forkSource: ForkSource = {
          parentId: parent.id,
          parentName: parent.name,
          parentConfig: toInputConfig(parent.config),
          checkpoint,
          parentModel: parent.config.model,
        };
        return { presets, datasets, newest: null, lastConfig: null, forkSource };
      }
      const newest = newestRun(runs);
      // The form opens on the last run's config (the usual next step is a variation of it), loaded before
      // the editor mounts so that it never replaces what the user has begun to type. Unreadable (deleted
      // meanwhile): the first preset, as with no runs at all.
      const lastConfig = newest
        ? await client.call('runs.get', { runId: newest.id }).then(
            (run) => variationOf(toInputConfig(run.config)),
            () => null,
          )
        : null;
      return { presets, datasets, newest: lastConfig ? newest : null, lastConfig, forkSource: null };
    },
    `new-run-sources:${fork ? `${fork.runId}:${fork.epoch}` : ''}`,
  );

  if (!sources.data) {
    if (sources.error)
      return (
        <ErrorPanel
          title={fork ? 'Could not open the fork' : 'Could not load presets'}
          message={sources.error}
          onRetry={sources.reload}
        />
      );
    return <LoadingLine text="Loading presets…" />;
  }
  return <NewRunEditor {...sources.data} />;
}

interface EditorProps {
  presets: PresetInfo[];
  datasets: Pick<DatasetInfo, 'id' | 'name' | 'classes' | 'source' | 'shape'>[];
  newest: RunTableRow | null;
  /** The newest run's config as the editor takes it; null without runs. */
  lastConfig: Draft | null;
  /** Fork mode: the parent and the checkpoint the new run continues from. */
  forkSource: ForkSource | null;
}

/** A fork's own name by default, so that it is told from its parent in every list. */
function forkDraft(source: ForkSource): Draft {
  return {
    ...structuredClone(source.parentConfig),
    name: `${source.parentName} · fork @${source.checkpoint.epoch}`,
  };
}

/** Mounted once the presets are known, so the first config is there from the first render. */
function NewRunEditor({ presets, datasets, newest, lastConfig, forkSource }: EditorProps) {
  const client = useClient();
  const { info } = useAppInfo();
  const [source, setSource] = useState(lastConfig ? LAST_RUN : (presets[0]?.id ?? ''));
  const [draft, setDraft] = useState<Draft>(() =>
    forkSource
      ? forkDraft(forkSource)
      : lastConfig
        ? structuredClone(lastConfig)
        : presets[0]
          ? (structuredClone(presets[0].config) as Draft)
          : FALLBACK_CONFIG,
  );
  // The config as the chosen source gave it, to say when the form no longer is that config.
  const [sourceText, setSourceText] = useState(() => configText(draft));
  const [jsonText, setJsonText] = useState(() => configText(draft));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [loadingSource, setLoadingSource] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<{ message: string; issues: ConfigIssue[] } | null>(null);
  const check = useConfigCheck(draft);

  // A start error is about the config it was given: any edit clears it.
  const replaceDraft = (next: Draft) => {
    setStartError(null);
    setDraft(next);
    setJsonText(configText(next));
    setJsonError(null);
  };

  const editField = (path: string, value: unknown) => {
    replaceDraft(
      path === 'model.kind'
        ? { ...draft, model: switchModelKind(draft.model, String(value)) }
        : setPath(draft, path, value),
    );
  };

  const editJson = (text: string) => {
    setJsonText(text);
    const parsed = parseConfigText(text);
    if ('error' in parsed) {
      setJsonError(parsed.error);
    } else {
      setJsonError(null);
      setStartError(null);
      setDraft(parsed.config);
    }
  };

  const chooseSource = async (value: string) => {
    setSource(value);
    if (value !== LAST_RUN) {
      const preset = presets.find((p) => p.id === value);
      if (preset) {
        replaceDraft(structuredClone(preset.config) as Draft);
        setSourceText(configText(preset.config as Draft));
      }
      return;
    }
    if (!newest) return;
    setLoadingSource(true);
    try {
      const run = await client.call('runs.get', { runId: newest.id });
      const config = variationOf(toInputConfig(run.config));
      replaceDraft(config);
      setSourceText(configText(config));
    } catch (e) {
      setStartError({ message: `Could not load the last run: ${errorMessage(e)}`, issues: [] });
    } finally {
      setLoadingSource(false);
    }
  };

  const fields = useMemo(() => visibleFields(draft), [draft]);
  const result = check.fresh ? check.result : null;
  const issues = [
    ...(forkSource ? forkIssues(forkSource, draft, datasets) : []),
    ...(result && !result.ok ? result.issues : []),
    ...(startError?.issues ?? []),
  ];
  const { byField, general } = assignIssues(issues, fields);
  const context: FormOptionsContext = {
    // Imported datasets say what they hold, so one picks the right import among several.
    datasetIds: datasets.map((d) => ({
      id: d.id,
      label: `${d.name} (${d.id}, ${d.classes} classes${d.source === 'imported' ? ', imported' : ''})`,
    })),
    backends: info?.availableBackends ?? [],
  };
  const canStart =
    check.fresh &&
    result?.ok === true &&
    issues.length === 0 &&
    jsonError === null &&
    !starting &&
    !loadingSource;

  const start = async () => {
    setStarting(true);
    setStartError(null);
    try {
      const { runId } = forkSource
        ? await client.call('runs.fork', {
            runId: forkSource.parentId,
            epoch: forkSource.checkpoint.epoch,
            config: draft,
          })
        : await client.call('runs.start', { config: draft });
      navigate({ name: 'run', runId });
    } catch (e) {
      setStartError({ message: errorMessage(e), issues: e instanceof ApiError ? (e.body.issues ?? []) : [] });
      setStarting(false);
    }
  };

  return (
    <section className="view new-run-view" aria-labelledby="new-run-heading">
      <div className="view-header">
        <h1 id="new-run-heading">{forkSource ? 'New run: fork' : 'New run'}</h1>
      </div>
      <div className="start-bar">
        {forkSource ? (
          <ForkBanner source={forkSource} draft={draft} />
        ) : (
          <PresetPicker
            presets={presets}
            lastRunName={newest?.name ?? null}
            value={source}
            edited={configText(draft) !== sourceText}
            onChange={(value) => void chooseSource(value)}
            disabled={loadingSource}
          />
        )}
        <div className="start-action">
          <button
            type="button"
            className="button-primary"
            data-testid="start-run"
            disabled={!canStart}
            onClick={() => void start()}
          >
            {starting ? 'Starting…' : forkSource ? 'Start fork' : 'Start run'}
          </button>
          <p className="check-status" role="status" data-testid="check-status">
            {checkStatus(check, jsonError, issues.length)}
          </p>
        </div>
      </div>
      {startError && startError.issues.length === 0 && (
        <p className="error-text" role="alert">
          {startError.message}
        </p>
      )}
      {general.length > 0 && (
        <div className="general-issues" role="alert">
          <h2>Problems in the config</h2>
          <FieldIssues issues={general} />
        </div>
      )}
      <div className="new-run-grid">
        <ConfigForm
          draft={draft}
          resolved={check.lastOk?.config}
          issuesByField={byField}
          context={context}
          onChange={editField}
        />
        <div className="new-run-side">
          {check.lastOk && (
            <ModelSummaryPanel summary={check.lastOk.model} current={check.fresh && result?.ok === true} />
          )}
          {check.lastOk && <DatasetPanel dataset={check.lastOk.dataset} />}
          <JsonEditor text={jsonText} error={jsonError} onChange={editJson} />
        </div>
      </div>
    </section>
  );
}

function checkStatus(
  check: ReturnType<typeof useConfigCheck>,
  jsonError: string | null,
  issueCount: number,
): string {
  if (jsonError) return 'Fix the JSON to check the config.';
  if (!check.fresh) return 'Checking…';
  if (check.error) return `Could not check the config: ${check.error}`;
  if (!check.result) return 'Checking…';
  if (!check.result.ok || issueCount > 0)
    return `${issueCount} problem${issueCount === 1 ? '' : 's'} to fix before starting.`;
  return `Ready: ${formatInteger(check.result.model.totalParams)} parameters on ${check.result.dataset.name}.`;
}
