/** Reading a stream newest first, a page at a time: logbooks and the refused actions of a site. */
import { z } from '@hono/zod-openapi';
import type { EventStore, RecordedEvent } from '../store/event-store.ts';

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Entries per page (1–200)' }),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'The `next` of the previous page: entries older than this position' }),
});

/** Events of a stream with a position below `before` (all when absent), newest first; `next` pages on. */
export async function newestFirst(store: EventStore, streamId: string, query: { limit: number; before?: number | undefined }): Promise<{ events: RecordedEvent[]; next?: number }> {
  const head = await store.streamVersion(streamId);
  const end = Math.min(query.before ?? head + 1, head + 1);
  const after = Math.max(0, end - 1 - query.limit);
  const events = end - 1 - after > 0 ? await store.readStream(streamId, { after, limit: end - 1 - after }) : [];
  events.reverse();
  return after > 0 ? { events, next: after + 1 } : { events };
}
