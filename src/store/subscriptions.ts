/**
 * Live delivery of committed events to subscribers, in log order, with catch-up from any position.
 * Every commit signal (this process, or another node through the backend) wakes one reader that pages
 * through the log; a subscriber never sees a gap or the same event twice.
 */
import type { Backend } from './backend.ts';
import type { RecordedEvent, Unsubscribe } from './event-store.ts';
import { toRecorded } from './append-command.ts';

interface Subscriber {
  after: number;
  readonly handler: (event: RecordedEvent) => void;
}

const PAGE = 1000;

export class Subscriptions {
  private readonly backend: Backend;
  private readonly subscribers = new Set<Subscriber>();
  private pumping = false;
  private again = false;
  private readonly onError: (error: unknown) => void;

  constructor(backend: Backend, onError: (error: unknown) => void) {
    this.backend = backend;
    this.onError = onError;
  }

  subscribe(afterPosition: number, handler: (event: RecordedEvent) => void): Unsubscribe {
    const subscriber: Subscriber = { after: afterPosition, handler };
    this.subscribers.add(subscriber);
    this.wake();
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** Something was committed: deliver it. */
  wake(): void {
    if (this.subscribers.size === 0) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
    });
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.again = false;
        let page: number;
        do {
          if (this.subscribers.size === 0) return;
          const from = Math.min(...[...this.subscribers].map((s) => s.after));
          const rows = await this.backend.readAll(from, PAGE);
          page = rows.length;
          for (const row of rows) {
            const event = toRecorded(row);
            for (const s of this.subscribers) {
              if (s.after >= row.globalPosition) continue;
              s.after = row.globalPosition;
              try {
                s.handler(event);
              } catch (error) {
                this.onError(error);
              }
            }
          }
        } while (page === PAGE);
      } while (this.again);
    } catch (error) {
      this.onError(error);
    }
  }
}
