import { describe, expect, it } from 'vitest';
import { getPath, setPath } from './config-path';
import { assignIssues, fieldForIssue, switchModelKind, visibleFields } from './form-spec';
import { toInputConfig } from './input-config';
import { parseListText, parseNumberText } from './text-parse';
import { mlpConfig } from '../testing/fixtures';

const mlp = { model: { kind: 'mlp' }, training: { optimizer: 'adam' } };

describe('the New run form', () => {
  it('shows the fields that apply to the config', () => {
    const paths = visibleFields(mlp).map((f) => f.path);
    expect(paths).toContain('model.hiddenUnits');
    expect(paths).toContain('training.beta1');
    expect(paths).not.toContain('model.filters');
    expect(paths).not.toContain('training.momentum');
  });

  it('puts each issue next to the field that holds it', () => {
    const fields = visibleFields(mlp);
    expect(fieldForIssue('training.batchSize', fields)).toBe('training.batchSize');
    expect(fieldForIssue('model.hiddenUnits.1', fields)).toBe('model.hiddenUnits');
    expect(fieldForIssue('model.init.std', fields)).toBe('model.init');
    expect(fieldForIssue('dataset.split', fields)).toBeNull();
    const { byField, general } = assignIssues(
      [
        { path: 'regularization.dropout.keep', message: 'expected p in (0, 1]' },
        { path: '', message: 'bad config' },
      ],
      fields,
    );
    expect([...byField.keys()]).toEqual(['regularization.dropout']);
    expect(general.map((i) => i.message)).toEqual(['bad config']);
  });

  it('edits a copy of the config by path', () => {
    const config = { training: { epochs: 3 }, name: 'a' };
    const next = setPath(config, 'training.lrSchedule.kind', 'step');
    expect(getPath(next, 'training.lrSchedule.kind')).toBe('step');
    expect(config).toEqual({ training: { epochs: 3 }, name: 'a' });
    expect(setPath(next, 'name', undefined)).not.toHaveProperty('name');
    expect(getPath({ model: { hiddenUnits: [5, 7] } }, 'model.hiddenUnits.1')).toBe(7);
  });

  it('reads numbers and lists from text, keeping what is not a number for the check to flag', () => {
    expect(parseNumberText('1e-5')).toBe(1e-5);
    expect(parseNumberText(' ')).toBeUndefined();
    expect(parseNumberText('0x10')).toBe('0x10');
    expect(parseListText('1000, 500', 'empty-list')).toEqual([1000, 500]);
    expect(parseListText('', 'empty-list')).toEqual([]);
    expect(parseListText('', 'absent')).toBeUndefined();
    expect(parseListText('28 28 x', 'absent')).toEqual([28, 28, 'x']);
  });

  it('switches model kind keeping the shared settings', () => {
    expect(switchModelKind({ kind: 'mlp', hiddenUnits: [3], activation: 'tanh' }, 'cnn')).toEqual({
      kind: 'cnn',
      activation: 'tanh',
    });
  });

  it('turns a stored dropout back into the form the schema accepts', () => {
    const stored = mlpConfig({
      regularization: {
        l2: 0,
        l2Convention: 'half',
        l2Covers: 'weights',
        dropout: { keep: 0.75, rate: 0.25, convention: 'rate' },
      },
    });
    expect(getPath(toInputConfig(stored), 'regularization.dropout')).toEqual({ rate: 0.25 });
  });
});
