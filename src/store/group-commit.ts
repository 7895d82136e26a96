/**
 * Group commit: concurrent appends wait in a queue and are written together, one transaction and one
 * durable flush for the whole group. Each command runs against its own in-memory overlay (group-overlay.ts),
 * so one refusal or conflict drops that command alone and does not fail its neighbours; the group's net
 * changes are written in a few multi-row statements at the end. An append is acknowledged only after the
 * commit that holds it succeeded.
 */
import type { Backend, EventRow, LogState } from './backend.ts';
import type { AppendRequest, AppendResult } from './event-store.ts';
import { appendCommand, validateAppend, type LogCursor } from './append-command.ts';
import { GroupOverlay } from './group-overlay.ts';

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  readonly backend: Backend;
  /** Server time; injected so tests can control it. */
  readonly clock: () => Date;
  /** Most commands written in one transaction. */
  readonly maxBatch: number;
  /** Called after each successful commit with the rows it made durable, in order, and the log state after them. */
  readonly onCommitted: (rows: readonly EventRow[], log: LogState) => void;
}

export class GroupCommitter {
  private readonly options: GroupCommitOptions;
  private readonly queue: Pending[] = [];
  private draining = false;

  constructor(options: GroupCommitOptions) {
    this.options = options;
  }

  /** Queues one command; resolves once it is durably committed. */
  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      try {
        validateAppend(request);
      } catch (error) {
        reject(error);
        return;
      }
      this.queue.push({ request, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.draining || this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // Yield once so appends issued in the same tick join this group.
        await new Promise((r) => setImmediate(r));
        const batch = this.queue.splice(0, this.options.maxBatch);
        await this.writeBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    const committed: EventRow[] = [];
    let after: LogState | undefined;
    try {
      await this.options.backend.write(async (tx) => {
        const group = new GroupOverlay(tx);
        const state = await group.begin(batch.map((p) => p.request));
        const log: LogCursor = { size: state.size, frontier: [...state.frontier] };
        const recordedAt = this.options.clock().toISOString();
        for (const pending of batch) {
          const before = { size: log.size, frontier: log.frontier };
          const command = group.command();
          try {
            const { result, rows } = await appendCommand(command, pending.request, log, recordedAt);
            // A projector that caught a database error must not let its command, or the group, commit.
            if (group.failed !== undefined) throw group.failed.error;
            await group.merge(command);
            outcomes.push({ ok: true, result });
            for (const row of rows) committed.push(row);
          } catch (error) {
            // The database failed (it may have ended the transaction): the whole group fails with the
            // error that caused it.
            if (group.failed !== undefined) throw group.failed.error;
            // The command's own refusal: drop its overlay, nothing of it reached the database.
            command.close();
            log.size = before.size;
            log.frontier = before.frontier;
            outcomes.push({ ok: false, error });
          }
        }
        const grew = log.size !== state.size;
        await group.flush(grew ? log : undefined);
        after = { size: log.size, frontier: log.frontier };
      });
    } catch (error) {
      // Nothing of this group is durable: every command in it fails, none is acknowledged.
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    if (committed.length > 0 && after !== undefined) this.options.onCommitted(committed, after);
  }
}
