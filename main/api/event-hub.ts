/**
 * Fan-out of live events to every connected client (IPC windows, HTTP event streams). A listener that
 * throws is reported and skipped: one broken client must not stop the others, nor the training relay
 * that emits.
 */
export class EventHub<E> {
  private readonly listeners = new Set<(event: E) => void>();

  subscribe(listener: (event: E) => void): () => void {
    // Wrapped so that subscribing the same function twice gives two independent subscriptions.
    const entry = (event: E) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(event: E): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(
          `an event listener failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
