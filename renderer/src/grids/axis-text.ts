/**
 * An axis' list of values as a user types it, and back. Numbers and words are comma separated
 * ("0.01, 0.1, 0.5", "sgd, momentum, adam"). Fields whose value is itself a list (hidden units) take one
 * list per value: as JSON ("[100], [500, 500]") or separated by semicolons ("100; 500 500"); a bare number
 * there is a one-layer list. Anything that does not parse is passed on as text, so grids.check names the
 * axis and what it expected.
 */

/** Config fields whose value is a list of numbers. */
const LIST_FIELDS = new Set(['model.hiddenUnits', 'model.denseUnits', 'model.inputShape']);

export function isListField(path: string): boolean {
  return LIST_FIELDS.has(path);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function scalar(text: string): unknown {
  const t = text.trim();
  // 1e999 stays text: as a number it would be Infinity, which JSON carries as null.
  if (NUMBER.test(t) && Number.isFinite(Number(t))) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  return t.replace(/^["']|["']$/g, '');
}

/** "500 500", "500×500", "[500, 500]", "500,500" → [500, 500]. */
function numberList(text: string): unknown {
  const inner = text.trim().replace(/^\[|\]$/g, '');
  const parts = inner.split(/[\s,×x]+/).filter((p) => p.length > 0);
  return parts.map(scalar);
}

export function parseAxisValues(text: string, path: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const list = isListField(path);
  if (!trimmed.includes(';')) {
    try {
      const parsed: unknown = JSON.parse(`[${trimmed}]`);
      if (Array.isArray(parsed) && allFinite(parsed))
        return list ? parsed.map((v) => (typeof v === 'number' ? [v] : v)) : parsed;
    } catch {
      // Not JSON: words such as sgd, adam, or a half-typed value; read below.
    }
  }
  const parts = trimmed
    .split(list || trimmed.includes(';') ? ';' : ',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return parts.map((p) => (list ? numberList(p) : scalar(p)));
}

export function formatAxisValues(values: readonly unknown[], path: string): string {
  if (isListField(path)) {
    return values.map((v) => (Array.isArray(v) ? v.map(String).join(' ') : formatScalar(v))).join('; ');
  }
  return values.map(formatScalar).join(', ');
}

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) ? value.every(allFinite) : true;
}

function formatScalar(value: unknown): string {
  if (typeof value === 'string')
    return /[,;]/.test(value) || NUMBER.test(value) ? JSON.stringify(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}
