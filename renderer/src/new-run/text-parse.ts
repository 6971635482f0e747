/**
 * Text fields write what they can into the config: a number where the text is one, otherwise the text
 * itself, so config.check names the field and what it expected (and the JSON editor shows the same).
 */

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * A number where the text is one. A number too large for a double ("1e999", Infinity) stays text: JSON
 * cannot carry Infinity (it arrives as null), and as text the check can say what is wrong with it.
 */
export function parseNumberText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  return NUMBER.test(trimmed) && Number.isFinite(number) ? number : trimmed;
}

export function formatValueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** "1000, 500" → [1000, 500]; empty → `empty` ([] for hidden layers, absent for an optional shape). */
export function parseListText(text: string, empty: 'empty-list' | 'absent'): unknown[] | undefined {
  const parts = text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length === 0) return empty === 'empty-list' ? [] : undefined;
  return parts.map((part) => parseNumberText(part));
}

export function formatListText(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValueText).join(', ');
  return formatValueText(value);
}

export function parseTagsText(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

export function formatTagsText(value: unknown): string {
  return Array.isArray(value) ? value.map(formatValueText).join(', ') : formatValueText(value);
}
