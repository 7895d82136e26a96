/** The review-by-exception of a batch, from its record, its deviations and the refused attempts on it. */
import type { BatchEvent } from '../domain/execution/batch-events.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import { reviewBatch, type BatchReview, type RefusedAttempt } from '../domain/execution/batch-review.ts';
import type { RecordedEvent } from '../store/event-store.ts';
import { loadDeviations } from './batch-commands.ts';
import type { Engine } from './engine.ts';
import { refusalStream, type CommandRefusedData } from './refusals.ts';

const PAGE = 5000;

async function readWhole(engine: Engine, streamId: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await engine.store.readStream(streamId, { after: out.length, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

/** The review of a batch; undefined when there is no such batch. */
export async function loadBatchReview(engine: Engine, batchId: string): Promise<BatchReview | undefined> {
  const batch = await engine.load<BatchState>('batch', batchId);
  if (batch.version === 0) return undefined;
  const subject = `batch-${batchId}`;
  const [record, deviations, refusals] = await Promise.all([readWhole(engine, subject), loadDeviations(engine, batch.state.deviations), readWhole(engine, refusalStream(batch.state.site))]);
  const attempts: RefusedAttempt[] = refusals
    .filter((e) => (e.data as CommandRefusedData).subject === subject)
    .map((e) => {
      const d = e.data as CommandRefusedData;
      const stepId = (d.input as { stepId?: unknown } | null)?.stepId;
      return { command: d.command, code: d.code, message: d.message, by: e.actor, at: e.recordedAt, ...(typeof stepId === 'string' ? { stepId } : {}) };
    });
  return reviewBatch(batch.state, record.map((e) => ({ type: e.type, data: e.data }) as BatchEvent), deviations, attempts);
}
