import type { GridCellStatus, GridStatus } from '../../../common/grid/types';

/** A cell's or a grid's status as a badge; a cell no worker has claimed yet reads "pending". */
export function GridCellBadge({ status, title }: { status: GridCellStatus | GridStatus; title?: string }) {
  const look = status === 'pending' ? 'queued' : status;
  return (
    <span className={`badge badge-${look}`} title={title}>
      {status}
    </span>
  );
}
