import type { ApiEvent, ApiEventType } from '../../../common/api/contract';

/** The part of EventSource the feed uses, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

const CLOSED = 2;
const EVENT_TYPES: readonly ApiEventType[] = [
  'run.status',
  'run.started',
  'run.progress',
  'run.epoch',
  'runs.changed',
];
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

/**
 * One shared Server-Sent Events connection for every subscriber, opened on the first subscription and closed
 * after the last. EventSource reconnects by itself after a dropped connection; only when it gives up (the
 * server refused or was down) do we reopen it, with backoff. Events missed while disconnected are not
 * replayed, so after a reconnect subscribers get a synthetic `runs.changed` telling them to refetch.
 */
export class EventFeed {
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private source: EventSourceLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = FIRST_RETRY_MS;
  private lostConnection = false;

  constructor(
    private readonly url: string,
    private readonly create: EventSourceFactory,
  ) {}

  add(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  private open(): void {
    const source = this.create(this.url);
    this.source = source;
    source.onopen = () => {
      this.retryMs = FIRST_RETRY_MS;
      if (this.lostConnection) {
        this.lostConnection = false;
        this.emit({ type: 'runs.changed' });
      }
    };
    // The server sends unnamed `data:` messages; named ones are accepted too, should it ever send them.
    source.onmessage = (message) => this.receive(message.data);
    for (const type of EVENT_TYPES) source.addEventListener(type, (message) => this.receive(message.data));
    source.onerror = () => {
      this.lostConnection = true;
      if (source.readyState !== CLOSED || this.source !== source) return;
      source.close();
      this.source = null;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.listeners.size > 0) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
  }

  private close(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.source = null;
    this.lostConnection = false;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (isApiEvent(event)) this.emit(event);
  }

  private emit(event: ApiEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

function isApiEvent(value: unknown): value is ApiEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    (EVENT_TYPES as readonly unknown[]).includes((value as { type?: unknown }).type)
  );
}
