/**
 * The EventStore on top of any Backend: group commit, live subscriptions and signed checkpoints.
 */
import type { Backend, CheckpointRow } from './backend.ts';
import type { AppendRequest, AppendResult, EventStore, LogHead, ReadOptions, RecordedEvent, Unsubscribe } from './event-store.ts';
import { toRecorded } from './append-command.ts';
import { Checkpointer, type CheckpointPolicy } from './checkpointer.ts';
import { GroupCommitter } from './group-commit.ts';
import { Subscriptions } from './subscriptions.ts';
import { frontierRoot } from './ledger/merkle.ts';

export interface LedgerStoreOptions {
  readonly backend: Backend;
  readonly clock?: () => Date;
  /** Most commands in one group commit (default 256). */
  readonly maxBatch?: number;
  /** Without a policy no checkpoints are signed (tests of the store alone). */
  readonly checkpoints?: Omit<CheckpointPolicy, 'clock'>;
  readonly onError?: (error: unknown) => void;
}

/** An EventStore that also signs checkpoints on demand. */
export interface LedgerStore extends EventStore {
  checkpoint(): Promise<CheckpointRow | undefined>;
  readonly backend: Backend;
}

const DEFAULT_LIMIT = 10_000;

/** Builds the store on an opened backend and starts its checkpoint timer and commit watch. */
export async function createLedgerStore(options: LedgerStoreOptions): Promise<LedgerStore> {
  const { backend } = options;
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? ((error: unknown) => console.error('[store]', error));
  const subscriptions = new Subscriptions(backend, onError);
  const checkpointer =
    options.checkpoints === undefined
      ? undefined
      : new Checkpointer(backend, { ...options.checkpoints, clock }, onError);
  await checkpointer?.start();
  const committer = new GroupCommitter({
    backend,
    clock,
    maxBatch: options.maxBatch ?? 256,
    onCommitted: (_rows, log) => {
      subscriptions.wake();
      checkpointer?.noteCommitted(log);
    },
  });
  const stopWatching = await backend.watchCommits(() => subscriptions.wake());
  const limitOf = (o?: ReadOptions) => Math.max(0, Math.min(o?.limit ?? DEFAULT_LIMIT, DEFAULT_LIMIT));

  return {
    backend,
    append: (request: AppendRequest): Promise<AppendResult> => committer.append(request),
    async readStream(streamId: string, o?: ReadOptions): Promise<RecordedEvent[]> {
      return (await backend.readStream(streamId, o?.after ?? 0, limitOf(o))).map(toRecorded);
    },
    async readAll(o?: ReadOptions): Promise<RecordedEvent[]> {
      return (await backend.readAll(o?.after ?? 0, limitOf(o))).map(toRecorded);
    },
    findIdempotent: (key: string) => backend.findIdempotency(key),
    async streamVersion(streamId: string): Promise<number> {
      return (await backend.streamHead(streamId))?.version ?? 0;
    },
    getDocument: async <T>(collection: string, id: string) => (await backend.getDocument(collection, id)) as T | undefined,
    listDocuments: async <T>(collection: string) => (await backend.listDocuments(collection)) as T[],
    subscribe: (after: number, handler: (event: RecordedEvent) => void): Unsubscribe =>
      subscriptions.subscribe(after, handler),
    async head(): Promise<LogHead> {
      const state = await backend.logState();
      return { size: state.size, rootHash: frontierRoot(state.frontier) };
    },
    async checkpoint() {
      if (checkpointer === undefined) throw new Error('this store signs no checkpoints');
      await committer.idle();
      return checkpointer.checkpoint();
    },
    async close() {
      await committer.idle();
      await checkpointer?.stop();
      await stopWatching();
      await backend.close();
    },
  };
}
