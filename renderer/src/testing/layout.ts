/**
 * jsdom does no layout: every element is 0 × 0, so a virtualised list would show no rows at all. This
 * gives every element a viewport-sized client box (what the virtualiser measures), as a browser window
 * would, and returns the function that takes it away again.
 */
export function simulateViewport(width = 1200, height = 600): () => void {
  const proto = HTMLElement.prototype as unknown as Record<string, unknown>;
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  // The real getters live on Element.prototype; removing the overrides uncovers them again.
  return () => {
    delete proto.clientHeight;
    delete proto.clientWidth;
  };
}
