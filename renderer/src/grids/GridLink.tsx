import { MISSING } from '../common/format';
import { routeHref } from '../routing/route';
import { useGridName } from './grid-names';

/** The grid a run is a cell of, by name, linking to the grid's page; a dash for a run on its own. */
export function GridLink({ gridId, cell }: { gridId: string | null; cell: number | null }) {
  const name = useGridName(gridId);
  if (gridId === null) return <span className="muted">{MISSING}</span>;
  const text = name ?? gridId.slice(0, 8);
  return (
    <a
      href={routeHref({ name: 'grid', gridId })}
      title={`${text}${cell !== null ? `, cell ${cell}` : ''}`}
      data-testid="run-grid-link"
    >
      {text}
    </a>
  );
}
