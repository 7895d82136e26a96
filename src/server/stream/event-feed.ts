/**
 * Every committed event after a position, in order, without gaps or duplicates, for as long as the
 * consumer wants: it catches up page by page (each page delivered before the next is read, so a slow
 * client slows the reading, not the memory), then subscribes to live commits. If live events pile up
 * faster than the consumer takes them, it drops the queue and catches up again from where it is.
 */
import type { EventStore, RecordedEvent } from '../../store/event-store.ts';

export interface FeedOptions {
  readonly store: Pick<EventStore, 'readAll' | 'subscribe'>;
  /** Deliver events with a global position greater than this. */
  readonly after: number;
  readonly signal: AbortSignal;
  /** Called for each event in order; the next is not delivered before it settles. */
  readonly deliver: (event: RecordedEvent) => Promise<void>;
  readonly pageSize?: number;
  /** Live events held for a slow consumer before it is switched back to catching up (default 1,000). */
  readonly maxQueue?: number;
}

/** Runs until the signal aborts; rejects only when delivering or reading fails. */
export async function runFeed(options: FeedOptions): Promise<void> {
  const { store, signal, deliver } = options;
  const pageSize = options.pageSize ?? 500;
  const maxQueue = options.maxQueue ?? 1_000;
  let cursor = options.after;
  const take = async (event: RecordedEvent) => {
    if (event.globalPosition <= cursor) return;
    await deliver(event);
    cursor = event.globalPosition;
  };

  while (!signal.aborted) {
    for (;;) {
      const page = await store.readAll({ after: cursor, limit: pageSize });
      for (const event of page) {
        if (signal.aborted) return;
        await take(event);
      }
      if (page.length < pageSize) break;
    }
    if (signal.aborted) return;

    const queue: RecordedEvent[] = [];
    let overflow = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    // Subscribing from the cursor: anything committed since the last page read is delivered, nothing twice.
    const unsubscribe = store.subscribe(cursor, (event) => {
      if (queue.length >= maxQueue) overflow = true;
      else queue.push(event);
      notify();
    });
    signal.addEventListener('abort', notify);
    try {
      while (!signal.aborted && !overflow) {
        const next = queue.shift();
        if (next !== undefined) await take(next);
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', notify);
    }
  }
}
