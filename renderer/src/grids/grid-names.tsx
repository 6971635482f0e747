import { createContext, useContext, useMemo } from 'react';
import { useGridsList } from './use-grids-list';

/** Grid id → name, for views that show which grid a run belongs to (the runs table). */
export type GridNames = ReadonlyMap<string, string>;

const GridNamesContext = createContext<GridNames>(new Map());

export const GridNamesProvider = GridNamesContext.Provider;

export function useGridName(gridId: string | null): string | null {
  const names = useContext(GridNamesContext);
  return gridId === null ? null : (names.get(gridId) ?? null);
}

/**
 * The names of every grid, kept live. A server without grids (or a failed call) leaves the map empty:
 * runs then show their grid by id, and nothing else breaks.
 */
export function useGridNames(): GridNames {
  const grids = useGridsList();
  return useMemo(() => new Map((grids.data ?? []).map((g) => [g.id, g.name])), [grids.data]);
}
