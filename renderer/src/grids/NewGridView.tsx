import { useId, useState } from 'react';
import { ApiError, type ConfigIssue, type PresetInfo, type RunTableRow } from '../../../common/api/contract';
import type { GridPresetInfo } from '../../../common/grid/types';
import type { DatasetInfo } from '../../../common/types';
import { ClassThumbnails } from '../datasets/ClassThumbnails';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { formatDuration, formatInteger } from '../common/format';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { useLoad } from '../common/use-load';
import { getPath, setPath } from '../new-run/config-path';
import { FieldIssues } from '../new-run/FieldIssues';
import { formatValueText, parseNumberText } from '../new-run/text-parse';
import { parseJsonObject, useJsonText, useSyncedText } from '../new-run/use-synced-text';
import { ChangedElsewhereNote } from '../new-run/ChangedElsewhereNote';
import { navigate } from '../routing/use-route';
import { AxisEditor } from './AxisEditor';
import { GridCheckPanel } from './GridCheckPanel';
import { addAxis, placeIssues, removeAxis, setAxis, specAxes, type SpecDraft } from './grid-spec-draft';
import { JsonObjectField, optionalObjectText, parseOptionalObject } from './JsonObjectField';
import { PruningFieldset } from './PruningFieldset';
import { withoutStaleDescription } from './preset-description';
import { SlurmSection } from './SlurmSection';
import { readableJson } from './spec-text';
import { useGridCheck, type GridCheckState } from './use-grid-check';

/** Runs offered as a base: the newest ones (any other run id can be typed into the JSON). */
const MAX_BASE_RUNS = 100;

export function NewGridView() {
  const client = useClient();
  const sources = useLoad(async () => {
    const [gridPresets, presets, runs, datasets] = await Promise.all([
      client.call('grids.presets', {}),
      client.call('presets.list', {}),
      client.call('runs.list', {}),
      client.call('datasets.list', {}),
    ]);
    const newest = [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, MAX_BASE_RUNS);
    return { gridPresets, presets, runs: newest, datasets };
  }, 'new-grid-sources');

  if (!sources.data) {
    if (sources.error)
      return <ErrorPanel title="Could not load presets" message={sources.error} onRetry={sources.reload} />;
    return <LoadingLine text="Loading presets…" />;
  }
  return <NewGridEditor {...sources.data} />;
}

interface EditorProps {
  gridPresets: GridPresetInfo[];
  presets: PresetInfo[];
  runs: RunTableRow[];
  datasets: DatasetInfo[];
}

function initialSpec(gridPresets: readonly GridPresetInfo[], presets: readonly PresetInfo[]): SpecDraft {
  if (gridPresets[0]) return structuredClone(gridPresets[0].spec) as SpecDraft;
  return addAxis({ name: 'new grid', base: presets[0]?.id ?? '', axes: [], repeats: 1 });
}

function specText(spec: SpecDraft): string {
  return readableJson(spec);
}

/** Mounted once presets and runs are known, so the first spec is there from the first render. */
function NewGridEditor({ gridPresets, presets, runs, datasets }: EditorProps) {
  const client = useClient();
  const ids = useId();
  const [spec, setSpec] = useState<SpecDraft>(() => initialSpec(gridPresets, presets));
  const [gridPreset, setGridPreset] = useState(gridPresets[0]?.id ?? '');
  // The spec the chosen preset gave, while its description is still the preset's own (not edited).
  const [presetSpec, setPresetSpec] = useState<SpecDraft | null>(() =>
    gridPresets[0] ? (structuredClone(gridPresets[0].spec) as SpecDraft) : null,
  );
  const [descriptionDropped, setDescriptionDropped] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<{ message: string; issues: ConfigIssue[] } | null>(null);
  const check = useGridCheck(spec);

  // A start error is about the spec it was given: any edit clears it. A preset's description goes once
  // the spec no longer is the preset's (it would be stored with the grid, saying what the grid is not).
  const replaceSpec = (next: SpecDraft) => {
    setStartError(null);
    const fitted = withoutStaleDescription(next, presetSpec);
    if (fitted !== next) {
      setPresetSpec(null);
      setDescriptionDropped(true);
    }
    setSpec(fitted);
  };
  const specJson = useJsonText<SpecDraft>(
    spec,
    specText,
    (text) => parseJsonObject(text, 'The grid spec'),
    replaceSpec,
  );
  const overrideJson = useJsonText<Record<string, unknown> | undefined>(
    spec.override as Record<string, unknown> | undefined,
    optionalObjectText,
    (text) => parseOptionalObject(text, 'The override'),
    (override) => {
      const next = { ...spec };
      if (override === undefined) delete next.override;
      else next.override = override;
      replaceSpec(next);
    },
  );
  const choosePreset = (id: string) => {
    setGridPreset(id);
    setStartError(null);
    setDescriptionDropped(false);
    const preset = gridPresets.find((p) => p.id === id);
    if (!preset) {
      // "(none)": the spec stays to build on, without the description that was the preset's.
      const next = { ...spec };
      if (presetSpec && next.description === presetSpec.description) delete next.description;
      setPresetSpec(null);
      setSpec(next);
      return;
    }
    const next = structuredClone(preset.spec) as SpecDraft;
    // Chosen on purpose: it replaces every box, unfinished JSON included.
    setPresetSpec(structuredClone(next));
    setSpec(next);
    specJson.replace(next);
    overrideJson.replace(next.override);
  };

  const axes = specAxes(spec);
  const result = check.fresh ? check.result : null;
  const issues = [...(result && !result.ok ? result.issues : []), ...(startError?.issues ?? [])];
  const placed = placeIssues(
    issues,
    axes.map((a) => (typeof a.path === 'string' ? a.path : '')),
  );
  const resolvedAxes = check.lastOk && check.lastOk.axes.length === axes.length ? check.lastOk.axes : [];
  const jsonError = specJson.error;
  const canStart =
    check.fresh && result?.ok === true && jsonError === null && overrideJson.error === null && !starting;

  const start = async () => {
    setStarting(true);
    setStartError(null);
    try {
      const { gridId } = await client.call('grids.start', { spec });
      navigate({ name: 'grid', gridId });
    } catch (e) {
      setStartError({ message: errorMessage(e), issues: e instanceof ApiError ? (e.body.issues ?? []) : [] });
      setStarting(false);
    }
  };

  const base = spec.base;
  const baseValue =
    typeof base === 'string'
      ? presets.some((p) => p.id === base)
        ? `preset:${base}`
        : runs.some((r) => r.id === base)
          ? `run:${base}`
          : '@other'
      : '@other';

  return (
    <section className="view new-grid-view" aria-labelledby="new-grid-heading">
      <div className="view-header">
        <h1 id="new-grid-heading">New grid</h1>
        <p className="muted">Every combination of the axes' values is one run; they train on every worker.</p>
      </div>
      <div className="start-bar">
        <div className="preset-picker">
          <label htmlFor={`${ids}-preset`}>Grid preset</label>
          <select
            id={`${ids}-preset`}
            value={gridPreset}
            data-testid="grid-preset-select"
            onChange={(e) => choosePreset(e.target.value)}
          >
            <option value="">(none: build it below)</option>
            {gridPresets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <p className="hint">{gridPresets.find((p) => p.id === gridPreset)?.description ?? ''}</p>
        </div>
        <div className="start-action">
          <button
            type="button"
            className="button-primary"
            data-testid="start-grid"
            disabled={!canStart}
            onClick={() => void start()}
          >
            {starting
              ? 'Starting…'
              : check.lastOk && current(check) && jsonError === null && overrideJson.error === null
                ? `Start ${formatInteger(check.lastOk.cells)} runs`
                : 'Start grid'}
          </button>
          <p className="check-status" role="status" data-testid="grid-check-status">
            {checkStatus(check, jsonError, issues.length + (overrideJson.error === null ? 0 : 1))}
          </p>
        </div>
      </div>
      {startError && startError.issues.length === 0 && (
        <p className="error-text" role="alert">
          {startError.message}
        </p>
      )}
      {placed.general.length > 0 && (
        <div className="general-issues" role="alert">
          <h2>Problems in the grid</h2>
          <FieldIssues issues={placed.general} />
        </div>
      )}
      <div className="new-run-grid">
        <div className="new-grid-form">
          <fieldset className="form-section">
            <legend>Grid</legend>
            <div className={placed.name.length > 0 ? 'form-row has-error' : 'form-row'}>
              <label htmlFor={`${ids}-name`}>Name</label>
              <div className="form-control">
                <input
                  id={`${ids}-name`}
                  type="text"
                  value={typeof spec.name === 'string' ? spec.name : ''}
                  onChange={(e) => replaceSpec({ ...spec, name: e.target.value })}
                  aria-invalid={placed.name.length > 0 || undefined}
                  data-testid="grid-name"
                />
                <FieldIssues issues={placed.name} />
              </div>
            </div>
            <div className="form-row">
              <label htmlFor={`${ids}-description`}>Description</label>
              <div className="form-control">
                <textarea
                  id={`${ids}-description`}
                  className="grid-description-input"
                  rows={2}
                  value={typeof spec.description === 'string' ? spec.description : ''}
                  placeholder="optional: what the grid asks"
                  onChange={(e) => {
                    const next = { ...spec };
                    if (e.target.value === '') delete next.description;
                    else next.description = e.target.value;
                    // Written by the user: theirs to keep, whatever the spec becomes.
                    setPresetSpec(null);
                    setDescriptionDropped(false);
                    setStartError(null);
                    setSpec(next);
                  }}
                  data-testid="grid-description"
                />
                {descriptionDropped && spec.description === undefined && (
                  <span className="hint" data-testid="grid-description-dropped">
                    The preset’s description was removed: the grid no longer trains what it describes.
                  </span>
                )}
              </div>
            </div>
            <div className={placed.base.length > 0 ? 'form-row has-error' : 'form-row'}>
              <label htmlFor={`${ids}-base`}>Base config</label>
              <div className="form-control">
                <select
                  id={`${ids}-base`}
                  value={baseValue}
                  data-testid="grid-base"
                  onChange={(e) => {
                    const [kind, id] = [
                      e.target.value.split(':')[0],
                      e.target.value.slice(e.target.value.indexOf(':') + 1),
                    ];
                    if (kind === 'preset' || kind === 'run') replaceSpec({ ...spec, base: id });
                  }}
                >
                  <optgroup label="Presets (reference experiments)">
                    {presets.map((p) => (
                      <option key={p.id} value={`preset:${p.id}`}>
                        {p.name}
                      </option>
                    ))}
                  </optgroup>
                  {runs.length > 0 && (
                    <optgroup label="Earlier runs (their stored config)">
                      {runs.map((r) => (
                        <option key={r.id} value={`run:${r.id}`}>
                          {r.name}
                        </option>
                      ))}
                    </optgroup>
                  )}
                  {baseValue === '@other' && (
                    <option value="@other">
                      {typeof base === 'string'
                        ? `${base} (as written in the JSON)`
                        : 'a config given in the JSON'}
                    </option>
                  )}
                </select>
                <FieldIssues issues={placed.base} />
              </div>
            </div>
            <RepeatsAndOrder spec={spec} onChange={replaceSpec} issues={placed.repeats} />
          </fieldset>

          <fieldset className="form-section axes-section">
            <legend>Axes</legend>
            {axes.length === 0 && <p className="muted">A grid needs at least one axis.</p>}
            {axes.map((axis, i) => (
              <AxisEditor
                key={i}
                axis={axis}
                index={i}
                resolved={resolvedAxes[i]}
                issues={placed.byAxis[i]}
                onChange={(next) => replaceSpec(setAxis(spec, i, next))}
                onRemove={() => replaceSpec(removeAxis(spec, i))}
              />
            ))}
            <button type="button" onClick={() => replaceSpec(addAxis(spec))} data-testid="add-axis">
              Add axis
            </button>
          </fieldset>

          <fieldset className="form-section">
            <legend>Override</legend>
            <EpochsOverride spec={spec} onChange={replaceSpec} />
            <DatasetOverride spec={spec} datasets={datasets} onChange={replaceSpec} />
            <JsonObjectField
              label="Override (JSON)"
              hint='Merged into the base before the axes apply, e.g. a small split and few epochs: {"dataset": {"split": {"train": 2000, "validation": 500, "test": 500}}, "training": {"epochs": 5}}'
              state={overrideJson}
              what="override"
              issues={placed.override}
              testId="grid-override"
            />
          </fieldset>
          <PruningFieldset spec={spec} onChange={replaceSpec} issues={placed.pruning} />
          <SlurmSection spec={spec} ready={canStart} />
        </div>
        <div className="new-run-side">
          <GridCheckPanel check={check} badCells={placed.cells} />
          <section className="panel json-editor" aria-labelledby={`${ids}-json-heading`}>
            <h2 id={`${ids}-json-heading`}>
              <label htmlFor={`${ids}-json`}>Grid spec (JSON)</label>
            </h2>
            <p className="hint">
              The whole spec, as `workbench grid` takes it; it stays in sync with the form both ways.
            </p>
            <textarea
              id={`${ids}-json`}
              data-testid="grid-spec-json"
              value={specJson.text}
              onChange={(e) => specJson.edit(e.target.value)}
              spellCheck={false}
              rows={22}
              aria-invalid={jsonError ? true : undefined}
            />
            {jsonError && (
              <p className="error-text" role="alert" data-testid="grid-spec-json-error">
                {jsonError}
              </p>
            )}
            {jsonError && specJson.changedElsewhere && (
              <ChangedElsewhereNote
                what="grid spec"
                where="form"
                onTake={specJson.takeValue}
                testId="grid-spec-json-changed"
              />
            )}
          </section>
        </div>
      </div>
    </section>
  );
}

function current(check: GridCheckState): boolean {
  return check.fresh && check.result?.ok === true;
}

function RepeatsAndOrder({
  spec,
  onChange,
  issues,
}: {
  spec: SpecDraft;
  onChange: (spec: SpecDraft) => void;
  issues: readonly ConfigIssue[];
}) {
  const id = useId();
  const set = (field: string, value: unknown) => {
    const next = { ...spec };
    if (value === undefined) delete next[field];
    else next[field] = value;
    onChange(next);
  };
  const [repeats, setRepeats] = useSyncedText<unknown>(spec.repeats, formatValueText, parseNumberText, (v) =>
    set('repeats', v),
  );
  const sampleCount = (spec.sample as { count?: unknown } | undefined)?.count;
  const [sample, setSample] = useSyncedText<unknown>(sampleCount, formatValueText, parseNumberText, (v) =>
    set('sample', v === undefined ? undefined : { ...((spec.sample as object | undefined) ?? {}), count: v }),
  );
  return (
    <>
      <div className={issues.length > 0 ? 'form-row has-error' : 'form-row'}>
        <label htmlFor={`${id}-repeats`}>Seeds per cell</label>
        <div className="form-control">
          <input
            id={`${id}-repeats`}
            type="text"
            className="input-number"
            value={repeats}
            onChange={(e) => setRepeats(e.target.value)}
            data-testid="grid-repeats"
          />
          <span className="hint">repeat r trains with seed + r; results show mean ± sd</span>
          <FieldIssues issues={issues} />
        </div>
      </div>
      <div className="form-row">
        <label htmlFor={`${id}-order`}>Order</label>
        <div className="form-control">
          <select
            id={`${id}-order`}
            value={spec.order === 'shuffled' ? 'shuffled' : 'listed'}
            onChange={(e) => set('order', e.target.value)}
            data-testid="grid-order"
          >
            <option value="listed">as listed</option>
            <option value="shuffled">shuffled (trends show early)</option>
          </select>
        </div>
      </div>
      <div className="form-row">
        <label htmlFor={`${id}-sample`}>Sample points</label>
        <div className="form-control">
          <input
            id={`${id}-sample`}
            type="text"
            className="input-number"
            value={sample}
            placeholder="all"
            onChange={(e) => setSample(e.target.value)}
            data-testid="grid-sample"
          />
          <span className="hint">
            a seeded random subset of the full grid (no importance decomposition then)
          </span>
        </div>
      </div>
    </>
  );
}

/**
 * Every cell on another dataset than the base's: built-in and imported ones, with their class counts, and
 * one example of each class of the chosen one.
 */
function DatasetOverride({
  spec,
  datasets,
  onChange,
}: {
  spec: SpecDraft;
  datasets: readonly DatasetInfo[];
  onChange: (spec: SpecDraft) => void;
}) {
  const id = useId();
  const override = (spec.override as Record<string, unknown> | undefined) ?? {};
  const chosen = getPath(override, 'dataset.id');
  const value = typeof chosen === 'string' ? chosen : '';
  const dataset = datasets.find((d) => d.id === value);
  const choose = (next: string) => {
    const changed = setPath(override, 'dataset.id', next === '' ? undefined : next);
    const ref = changed.dataset as Record<string, unknown> | undefined;
    if (ref && Object.keys(ref).length === 0) delete changed.dataset;
    const out = { ...spec };
    if (Object.keys(changed).length === 0) delete out.override;
    else out.override = changed;
    onChange(out);
  };
  return (
    <div className="form-row">
      <label htmlFor={id}>Dataset</label>
      <div className="form-control">
        <select id={id} value={value} onChange={(e) => choose(e.target.value)} data-testid="grid-dataset">
          <option value="">as the base</option>
          {value !== '' && !dataset && <option value={value}>{value} (not in this store)</option>}
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.id}, {d.classes} classes{d.source === 'imported' ? ', imported' : ''})
            </option>
          ))}
        </select>
        <span className="hint">override.dataset.id; the base's split applies to it</span>
        {dataset && <ClassThumbnails dataset={dataset} />}
      </div>
    </div>
  );
}

/** The override field users want most, as its own box: epochs per cell. */
function EpochsOverride({ spec, onChange }: { spec: SpecDraft; onChange: (spec: SpecDraft) => void }) {
  const id = useId();
  const override = (spec.override as Record<string, unknown> | undefined) ?? {};
  const [text, setText] = useSyncedText<unknown>(
    getPath(override, 'training.epochs'),
    formatValueText,
    parseNumberText,
    (value) => {
      const next = setPath(override, 'training.epochs', value);
      const training = next.training as Record<string, unknown> | undefined;
      if (training && Object.keys(training).length === 0) delete next.training;
      const out = { ...spec };
      if (Object.keys(next).length === 0) delete out.override;
      else out.override = next;
      onChange(out);
    },
  );
  return (
    <div className="form-row">
      <label htmlFor={id}>Epochs per cell</label>
      <div className="form-control">
        <input
          id={id}
          type="text"
          className="input-number"
          value={text}
          placeholder="as the base"
          onChange={(e) => setText(e.target.value)}
          data-testid="grid-epochs"
        />
        <span className="hint">override.training.epochs</span>
      </div>
    </div>
  );
}

function checkStatus(check: GridCheckState, jsonError: string | null, issueCount: number): string {
  if (jsonError) return 'Fix the JSON to check the grid.';
  if (!check.fresh) return 'Checking…';
  if (check.error) return `Could not check the grid: ${check.error}`;
  if (!check.result) return 'Checking…';
  if (!check.result.ok || issueCount > 0)
    return `${issueCount} problem${issueCount === 1 ? '' : 's'} to fix before starting.`;
  const r = check.result;
  // The same figure, in the same words, as the estimate in the side panel (GridCheckPanel).
  return `Ready: ${formatInteger(r.cells)} cell${r.cells === 1 ? '' : 's'}${r.estimate ? `, about ${formatDuration(r.estimate.totalSeconds)}` : ''}.`;
}
