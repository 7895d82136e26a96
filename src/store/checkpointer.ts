/**
 * Signs checkpoints of the Merkle log (every N events, every M milliseconds when the log grew, and on
 * demand), appending each to a file outside the database first and then to the database.
 */
import type { Backend, CheckpointRow, LogState } from './backend.ts';
import { appendCheckpointFile } from './ledger/checkpoint-file.ts';
import { signCheckpoint } from './ledger/checkpoint-note.ts';
import { frontierRoot } from './ledger/merkle.ts';
import type { LedgerKey } from './ledger/signing-key.ts';

export interface CheckpointPolicy {
  readonly key: LedgerKey;
  /** The file outside the database that keeps a copy of every checkpoint. */
  readonly file: string;
  readonly everyEvents: number;
  /** 0 turns the timer off. */
  readonly everyMs: number;
  readonly clock: () => Date;
}

export class Checkpointer {
  private readonly backend: Backend;
  private readonly policy: CheckpointPolicy;
  private lastSize = 0;
  /** The largest size already queued for signing, so commits during a signature do not queue more. */
  private queuedSize = 0;
  /** The newest committed state waiting to be sealed; one queued job signs whatever is newest when it runs. */
  private latest: LogState | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly onError: (error: unknown) => void;

  constructor(backend: Backend, policy: CheckpointPolicy, onError: (error: unknown) => void) {
    this.backend = backend;
    this.policy = policy;
    this.onError = onError;
  }

  async start(): Promise<void> {
    const existing = await this.backend.listCheckpoints();
    this.lastSize = existing.at(-1)?.size ?? 0;
    this.queuedSize = this.lastSize;
    if (this.policy.everyMs > 0) {
      this.timer = setInterval(() => {
        this.checkpoint().catch(this.onError);
      }, this.policy.everyMs);
      this.timer.unref();
    }
  }

  /** After a commit: when N events have accumulated, seal exactly the state that commit produced. */
  noteCommitted(state: LogState): void {
    if (state.size - Math.max(this.lastSize, this.queuedSize) < this.policy.everyEvents) return;
    this.queuedSize = state.size;
    const alreadyQueued = this.latest !== undefined;
    this.latest = state;
    // Under load commits outpace signatures (each fsyncs the file): coalesce instead of queueing a backlog.
    if (alreadyQueued) return;
    this.enqueue(async () => {
      const newest = this.latest!;
      this.latest = undefined;
      return newest;
    }).catch(this.onError);
  }

  /** Signs a checkpoint of the current log unless the latest one already covers it. */
  checkpoint(): Promise<CheckpointRow | undefined> {
    return this.enqueue(() => this.backend.logState());
  }

  private enqueue(state: () => Promise<LogState>): Promise<CheckpointRow | undefined> {
    const next = this.chain.then(async () => this.sign(await state()));
    this.chain = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.chain;
  }

  private async sign(state: LogState): Promise<CheckpointRow | undefined> {
    if (state.size <= this.lastSize) return undefined;
    const rootHash = frontierRoot(state.frontier);
    const { key } = this.policy;
    const note = signCheckpoint({ origin: key.name, size: state.size, rootHash }, key);
    const row: CheckpointRow = { size: state.size, rootHash, note, createdAt: this.policy.clock().toISOString() };
    // File first: a checkpoint that reached the database but not the file would be a weaker witness.
    await appendCheckpointFile(this.policy.file, note);
    try {
      await this.backend.insertCheckpoint(row);
    } catch (error) {
      // Another node may have signed the same size; that is fine only if it signed the same root.
      const same = (await this.backend.listCheckpoints()).find((c) => c.size === row.size);
      if (same?.rootHash !== rootHash) throw error;
    }
    this.lastSize = state.size;
    return row;
  }
}
