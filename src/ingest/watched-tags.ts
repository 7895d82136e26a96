/**
 * Which running steps watch which process value, kept current from the event stream: a step starting
 * adds its tags (resolved to the equipment it uses), a step or batch ending removes them. Lookups by
 * `site/source` are what every incoming sample needs, so they must not touch the database.
 */
import type { BatchState } from '../domain/execution/batch-state.ts';
import { excursionKey, tagSource } from '../domain/execution/decide-process.ts';
import type { ProcessTag } from '../domain/procedure/definition.ts';
import type { Engine } from '../engine/engine.ts';
import type { Snapshot } from '../engine/snapshots.ts';
import type { RecordedEvent, Unsubscribe } from '../store/event-store.ts';

export interface Watcher {
  readonly site: string;
  readonly batchId: string;
  readonly stepId: string;
  readonly tag: ProcessTag;
  /** Whether an excursion is open, as of the batch state the index last read. */
  open: boolean;
}

const CHANGES = new Set(['StepStarted', 'StepCompleted', 'StepSkipped', 'BatchCompleted', 'ProcessExcursionStarted', 'ProcessExcursionEnded']);

export interface WatchedTags {
  /** Watchers of samples from `source` at `site`. */
  find(site: string, source: string): readonly Watcher[];
  /** Re-reads one batch (after the ingest changed it). */
  refresh(batchId: string): Promise<void>;
  readonly size: () => number;
  stop(): void;
}

function watchersOf(batch: BatchState): Watcher[] {
  if (batch.status !== 'in_progress' || batch.definition === undefined) return [];
  const out: Watcher[] = [];
  for (const step of batch.definition.steps) {
    const run = batch.steps[step.id];
    if (run?.status !== 'in_progress') continue;
    for (const tag of step.process) {
      out.push({ site: batch.site, batchId: batch.id, stepId: step.id, tag, open: batch.excursions.includes(excursionKey(step.id, tag.tag)) });
    }
  }
  return out;
}

export async function watchTags(engine: Engine): Promise<WatchedTags> {
  const bySource = new Map<string, Watcher[]>();
  const byBatch = new Map<string, { key: string; watcher: Watcher }[]>();
  let refreshing = Promise.resolve();

  async function load(batchId: string): Promise<void> {
    for (const { key, watcher } of byBatch.get(batchId) ?? []) {
      const list = bySource.get(key)?.filter((w) => w !== watcher) ?? [];
      if (list.length === 0) bySource.delete(key);
      else bySource.set(key, list);
    }
    byBatch.delete(batchId);
    const { state } = await engine.load<BatchState>('batch', batchId);
    const entries = watchersOf(state).map((watcher) => {
      const step = state.definition!.steps.find((s) => s.id === watcher.stepId)!;
      return { key: `${watcher.site}/${tagSource(step, state.steps[step.id], watcher.tag.tag)}`, watcher };
    });
    if (entries.length > 0) byBatch.set(batchId, entries);
    for (const { key, watcher } of entries) bySource.set(key, [...(bySource.get(key) ?? []), watcher]);
  }

  // Subscribe first, then read: a step started in between is seen by one or the other (reads are idempotent).
  const head = await engine.store.head();
  const unsubscribe: Unsubscribe = engine.store.subscribe(head.size, (event: RecordedEvent) => {
    if (!event.streamId.startsWith('batch-') || !CHANGES.has(event.type)) return;
    const batchId = event.streamId.slice('batch-'.length);
    refreshing = refreshing.then(() => load(batchId)).catch(() => {});
  });
  const stored = await engine.store.listDocuments<Snapshot<BatchState>>('batch');
  for (const doc of stored) if (doc.state.status === 'in_progress') await load(doc.state.id);

  return {
    find: (site, source) => bySource.get(`${site}/${source}`) ?? [],
    refresh: (batchId) => {
      refreshing = refreshing.then(() => load(batchId));
      return refreshing;
    },
    size: () => [...bySource.values()].reduce((n, l) => n + l.length, 0),
    stop: unsubscribe,
  };
}
