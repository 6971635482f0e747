import { useId } from 'react';
import type { ConfigIssue } from '../../../common/api/contract';
import { getPath } from './config-path';
import { Control } from './controls';
import { FieldIssues } from './FieldIssues';
import { FORM_SECTIONS, type FieldSpec, type FormOptionsContext } from './form-spec';

interface ConfigFormProps {
  draft: Record<string, unknown>;
  /** The last config.check's resolved config, for the defaults of fields the draft leaves out. */
  resolved: unknown;
  issuesByField: ReadonlyMap<string, ConfigIssue[]>;
  context: FormOptionsContext;
  onChange: (path: string, value: unknown) => void;
}

export function ConfigForm({ draft, resolved, issuesByField, context, onChange }: ConfigFormProps) {
  return (
    <div className="config-form">
      {FORM_SECTIONS.map((section) => {
        const fields = section.fields.filter((f) => !f.visible || f.visible(draft));
        return (
          <fieldset key={section.title} className="form-section">
            <legend>{section.title}</legend>
            {fields.map((field) => (
              <FieldRow
                key={field.path}
                field={field}
                value={getPath(draft, field.path)}
                resolved={getPath(resolved, field.path)}
                issues={issuesByField.get(field.path) ?? []}
                context={context}
                onChange={onChange}
              />
            ))}
          </fieldset>
        );
      })}
    </div>
  );
}

interface FieldRowProps {
  field: FieldSpec;
  value: unknown;
  resolved: unknown;
  issues: ConfigIssue[];
  context: FormOptionsContext;
  onChange: (path: string, value: unknown) => void;
}

function FieldRow({ field, value, resolved, issues, context, onChange }: FieldRowProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.hint ? hintId : null, issues.length > 0 ? errorId : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={issues.length > 0 ? 'form-row has-error' : 'form-row'} data-field={field.path}>
      <label htmlFor={id}>{field.label}</label>
      <div className="form-control">
        <Control
          kind={field.control}
          id={id}
          label={field.label}
          value={value}
          resolved={resolved}
          options={field.options?.(context)}
          onChange={(v) => onChange(field.path, v)}
          invalid={issues.length > 0}
          describedBy={describedBy || undefined}
        />
        {field.hint && (
          <span id={hintId} className="hint">
            {field.hint}
          </span>
        )}
        <FieldIssues issues={issues} id={errorId} />
      </div>
    </div>
  );
}
