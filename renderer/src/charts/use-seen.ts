import { useEffect, useState, type RefObject } from 'react';

/** How far outside the viewport a chart starts drawing, so that it is ready before it scrolls in. */
export const SEEN_MARGIN_PX = 300;

/**
 * 'near': the element has come near the viewport once; 'far': the browser said it is not (yet); 'unknown'
 * until the browser has said either. A chart far down a long view (the grid view's parallel coordinates under
 * a table of hundreds of cells) waits until it is scrolled to: its WebGL contexts and layout then never hold
 * up the part of the view the user is looking at. Once near, always near: the chart keeps following its data
 * when scrolled away again. Without IntersectionObserver everything counts as near.
 */
export type Seen = 'unknown' | 'far' | 'near';

export function useSeen(element: RefObject<Element | null>): Seen {
  const [seen, setSeen] = useState<Seen>(() =>
    typeof IntersectionObserver === 'undefined' ? 'near' : 'unknown',
  );
  const near = seen === 'near';
  useEffect(() => {
    const target = element.current;
    if (near || !target) return;
    const observer = new IntersectionObserver(
      (entries) => {
        const intersecting = entries.some((entry) => entry.isIntersecting);
        setSeen(intersecting ? 'near' : 'far');
        if (intersecting) observer.disconnect();
      },
      { rootMargin: `${SEEN_MARGIN_PX}px 0px` },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [element, near]);
  return seen;
}
