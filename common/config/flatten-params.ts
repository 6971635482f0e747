/**
 * Flattens a (resolved) run config into key/value params, MLflow style, so that runs can be
 * filtered and compared in SQL without parsing JSON: `WHERE key = 'regularization.l2' AND value_num > 0.05`.
 *
 * - Nested objects become dotted keys: `training.learningRate`.
 * - Arrays are kept whole as JSON text (`model.hiddenUnits` = "[1000]", so equal architectures compare equal)
 *   and are also expanded per element (`model.hiddenUnits.0` = 1000) so that element values can be queried.
 * - Only finite numbers get a numeric value; booleans, strings and null are text only.
 * - `undefined` (an absent optional field) produces no param at all.
 */

export interface FlatParam {
  key: string;
  text: string;
  num: number | null;
}

export function flattenParams(config: object): FlatParam[] {
  const params: FlatParam[] = [];
  flattenInto(params, '', config);
  return params;
}

function flattenInto(params: FlatParam[], key: string, value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    if (key !== '') params.push({ key, text: JSON.stringify(value), num: null });
    value.forEach((element, i) => flattenInto(params, joinKey(key, String(i)), element));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [childKey, child] of Object.entries(value)) flattenInto(params, joinKey(key, childKey), child);
    return;
  }
  if (key === '') return;
  if (typeof value === 'number') {
    params.push({ key, text: String(value), num: Number.isFinite(value) ? value : null });
  } else if (typeof value === 'string') {
    params.push({ key, text: value, num: null });
  } else {
    params.push({ key, text: String(value), num: null });
  }
}

function joinKey(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
