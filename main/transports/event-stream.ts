import type { ServerResponse } from 'node:http';
import type { ApiEvent } from '../../common/api/contract';

export interface EventStreamOptions {
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Comment lines keep proxies and idle timeouts from closing a quiet stream. */
  heartbeatMs: number;
  /**
   * A client that stops reading would make its buffer grow with every event; past this it is dropped (its
   * connection destroyed, which frees what was waiting for it), and EventSource reconnects, fetching the
   * current state again, once it reads again.
   */
  maxBufferedBytes: number;
}

/**
 * Turns a response into a Server-Sent Events stream of ApiEvent JSON (`data: {...}\n\n`). Returns the
 * function that ends it; it also ends, and unsubscribes, when the client goes away.
 */
export function openEventStream(res: ServerResponse, options: EventStreamOptions): () => void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Reverse proxies that buffer responses would hold events back.
    'X-Accel-Buffering': 'no',
  });
  // Sent at once so that the client's `open` fires before the first event, and with a modest retry delay.
  res.write('retry: 2000\n: connected\n\n');

  let ended = false;
  let unsubscribe = (): void => {};
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  const send = (chunk: string) => {
    if (ended) return;
    if (res.writableLength + Buffer.byteLength(chunk) > options.maxBufferedBytes) {
      // end() alone would keep the unsent bytes (and the socket) for as long as the client does not read.
      end();
      res.destroy();
      return;
    }
    res.write(chunk);
  };
  res.on('close', end);
  unsubscribe = options.subscribe((event) => send(`data: ${JSON.stringify(event)}\n\n`));
  return end;
}
