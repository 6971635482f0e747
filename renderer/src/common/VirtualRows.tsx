import type { VirtualItem } from '@tanstack/react-virtual';

/**
 * Spacer rows above and below the rendered window of a virtualised <table>: the table keeps its native
 * semantics and column layout, and the scrollbar still reflects every row.
 */
export function spacerHeights(items: readonly VirtualItem[], totalSize: number): [number, number] {
  if (items.length === 0) return [0, 0];
  return [items[0].start, totalSize - items[items.length - 1].end];
}

export function SpacerRow({ height, colSpan }: { height: number; colSpan: number }) {
  if (height <= 0) return null;
  return (
    <tr aria-hidden="true" className="spacer-row">
      <td colSpan={colSpan} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}
