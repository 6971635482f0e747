/**
 * JSON for people: indented like JSON.stringify(value, null, 2), but a list of plain values stays on one
 * line ("values": [0.01, 0.1, 0.5] and hidden units [500, 500], not one number per line).
 */
export function readableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s*\n\s*([^[\]{}]*?)\s*\n\s*\]/g, (_, inner: string) =>
    inner.trim() === '' ? '[]' : `[${inner.split(/,\s*\n\s*/).join(', ')}]`,
  );
}
