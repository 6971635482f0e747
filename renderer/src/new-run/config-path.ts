/** Reading and writing one field of a JSON config by its dotted path (the same paths config.check reports). */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getPath(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/**
 * A copy of `root` with the field at `path` set (objects along the way are copied, not mutated, so React
 * sees a new config). `undefined` removes the field, which lets the schema's default apply.
 */
export function setPath(root: Json, path: string, value: unknown): Json {
  const [key, ...rest] = path.split('.');
  const copy: Json = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = isObject(root[key]) ? root[key] : {};
  copy[key] = setPath(child, rest.join('.'), value);
  return copy;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
