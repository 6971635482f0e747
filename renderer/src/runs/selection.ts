/**
 * Checkbox selection over a sorted, filtered list. A shift-click sets every row between the previous click
 * (the anchor) and this one to the clicked box's new state, as in file managers.
 */
export function applySelectionClick(
  selected: ReadonlySet<string>,
  orderedIds: readonly string[],
  clickedId: string,
  checked: boolean,
  anchorId: string | null,
  extendRange: boolean,
): Set<string> {
  const next = new Set(selected);
  const to = orderedIds.indexOf(clickedId);
  const from = anchorId === null ? -1 : orderedIds.indexOf(anchorId);
  const ids = extendRange && from >= 0 && to >= 0 ? rangeOf(orderedIds, from, to) : [clickedId];
  for (const id of ids) {
    if (checked) next.add(id);
    else next.delete(id);
  }
  return next;
}

function rangeOf(ids: readonly string[], a: number, b: number): string[] {
  return ids.slice(Math.min(a, b), Math.max(a, b) + 1);
}
