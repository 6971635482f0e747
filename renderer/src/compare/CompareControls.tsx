import { useId } from 'react';
import { METRIC_LABELS, type ComparisonSpec } from '../../../common/compare/comparison';
import type { Smoothing } from '../../../common/compare/smoothing';
import { METRIC_NAMES, type MetricName } from '../../../common/types';

interface CompareControlsProps {
  spec: ComparisonSpec;
  onChange: (spec: ComparisonSpec) => void;
}

export const DEFAULT_EMA_WEIGHT = 0.6;
export const DEFAULT_WINDOW = 5;

export function CompareControls({ spec, onChange }: CompareControlsProps) {
  const set = (patch: Partial<ComparisonSpec>) => onChange({ ...spec, ...patch });
  return (
    <div className="compare-controls">
      <MetricChooser metrics={spec.metrics} onChange={(metrics) => set({ metrics })} />
      <SmoothingChooser
        smoothing={spec.smoothing}
        showRaw={spec.showRaw}
        onChange={(smoothing) => set({ smoothing })}
        onShowRaw={(showRaw) => set({ showRaw })}
      />
      <RadioGroup
        legend="Y axis"
        name="y-scale"
        value={spec.yScale}
        options={[
          ['linear', 'linear'],
          ['log', 'log'],
        ]}
        onChange={(yScale) => set({ yScale })}
      />
      <RadioGroup
        legend="X axis"
        name="x-axis"
        value={spec.x}
        options={[
          ['epoch', 'epoch'],
          ['step', 'step'],
          ['examples', 'examples seen'],
          ['time', 'wall time'],
        ]}
        onChange={(x) => set({ x })}
      />
    </div>
  );
}

function MetricChooser({
  metrics,
  onChange,
}: {
  metrics: MetricName[];
  onChange: (m: MetricName[]) => void;
}) {
  const toggle = (metric: MetricName, on: boolean) =>
    // Kept in METRIC_NAMES order, so the legend and the export list metrics the same way every time.
    onChange(METRIC_NAMES.filter((m) => (m === metric ? on : metrics.includes(m))));
  return (
    <fieldset className="control-group">
      <legend>Metrics</legend>
      <div className="metric-grid">
        {METRIC_NAMES.map((metric) => {
          const checked = metrics.includes(metric);
          return (
            <label key={metric} className="inline-check">
              <input
                type="checkbox"
                checked={checked}
                // At least one metric stays chosen: an empty chart is never what anyone wants.
                disabled={checked && metrics.length === 1}
                onChange={(e) => toggle(metric, e.target.checked)}
                data-testid={`metric-${metric}`}
              />
              {METRIC_LABELS[metric]}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

interface SmoothingChooserProps {
  smoothing: Smoothing;
  showRaw: boolean;
  onChange: (smoothing: Smoothing) => void;
  onShowRaw: (showRaw: boolean) => void;
}

function SmoothingChooser({ smoothing, showRaw, onChange, onShowRaw }: SmoothingChooserProps) {
  const id = useId();
  return (
    <fieldset className="control-group">
      <legend>Smoothing</legend>
      <select
        aria-label="Smoothing"
        data-testid="smoothing-kind"
        value={smoothing.kind}
        onChange={(e) => {
          const kind = e.target.value;
          onChange(
            kind === 'ema'
              ? { kind, weight: DEFAULT_EMA_WEIGHT }
              : kind === 'moving-average'
                ? { kind, window: DEFAULT_WINDOW }
                : { kind: 'none' },
          );
        }}
      >
        <option value="none">none</option>
        <option value="ema">exponential moving average</option>
        <option value="moving-average">moving average</option>
      </select>
      {smoothing.kind === 'ema' && (
        <div className="slider">
          <label htmlFor={`${id}-weight`}>Weight {smoothing.weight.toFixed(2)}</label>
          <input
            id={`${id}-weight`}
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing.weight}
            onChange={(e) => onChange({ kind: 'ema', weight: Number(e.target.value) })}
          />
        </div>
      )}
      {smoothing.kind === 'moving-average' && (
        <div className="slider">
          <label htmlFor={`${id}-window`}>Window {smoothing.window} epochs</label>
          <input
            id={`${id}-window`}
            type="range"
            min={1}
            max={50}
            step={1}
            value={smoothing.window}
            onChange={(e) => onChange({ kind: 'moving-average', window: Number(e.target.value) })}
          />
        </div>
      )}
      <label className="inline-check">
        <input
          type="checkbox"
          checked={showRaw}
          disabled={smoothing.kind === 'none'}
          onChange={(e) => onShowRaw(e.target.checked)}
        />
        show raw values faintly
      </label>
    </fieldset>
  );
}

interface RadioGroupProps<T extends string> {
  legend: string;
  name: string;
  value: T;
  options: ReadonlyArray<readonly [T, string]>;
  onChange: (value: T) => void;
}

function RadioGroup<T extends string>({ legend, name, value, options, onChange }: RadioGroupProps<T>) {
  const id = useId();
  return (
    <fieldset className="control-group">
      <legend>{legend}</legend>
      {options.map(([option, label]) => (
        <label key={option} className="inline-check">
          <input
            type="radio"
            name={`${id}-${name}`}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
