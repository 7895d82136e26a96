/**
 * GET /api/stream: accepted events and refused attempts as server-sent events, live, for the principal's
 * site only (event-scope.ts, stream-filter.ts). `id:` is the global position, so a client that reconnects
 * with Last-Event-ID (EventSource does) continues exactly where it stopped.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { EventStore, RecordedEvent } from '../../store/event-store.ts';
import type { AppEnv, Principal } from '../principal.ts';
import { problem, validationHook } from '../record/problem.ts';
import { EventScopes, STREAM_KINDS, type StreamKind } from './event-scope.ts';
import { runFeed } from './event-feed.ts';
import { readableKinds, shouldSend, type StreamFilter } from './stream-filter.ts';

export interface StreamRouteDeps {
  readonly store: Pick<EventStore, 'readAll' | 'subscribe' | 'getDocument' | 'head'>;
  /** Interval of the comment lines that keep proxies from closing an idle stream (default 15 s). */
  readonly heartbeatMs?: number;
}

const Problem = z.object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), code: z.string() });
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });
const position = z.string().regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a global position (a non-negative integer)');

const streamRoute = createRoute({
  method: 'get',
  path: '/api/stream',
  tags: ['Live stream'],
  summary: "Accepted events and refused attempts of the caller's site, live (text/event-stream)",
  description:
    'Each message: `id:` the global position; `event:` "event" or "refusal"; `data:` JSON {position, stream, streamPosition, kind, id, site, type, actor, recordedAt, data}. ' +
    'Starts after Last-Event-ID (or `after`), else with events committed from now on. A comment line every 15 s keeps the connection alive. ' +
    'Only events of the caller\'s site, of kinds their roles may read.',
  request: {
    query: z.object({
      site: z.string().min(1).max(200).optional().openapi({ description: "Must be the caller's own site (the only one they may see)" }),
      batch: z.string().min(1).max(200).optional().openapi({ description: 'Only this batch: its events, its deviations, refused attempts on it' }),
      kind: z.string().max(200).optional().openapi({ description: `Comma-separated kinds: ${STREAM_KINDS.join(', ')}`, example: 'batch,deviation' }),
      after: position.optional().openapi({ description: 'Start after this global position (Last-Event-ID wins when both are given)' }),
    }),
    headers: z.object({ 'last-event-id': position.optional() }),
  },
  responses: {
    200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
    400: problemResponse('A filter or position that is not valid'),
    401: problemResponse('Not signed in'),
    403: problemResponse("Another site, or no role that may read any kind of event"),
  },
});

function parseKinds(text: string | undefined): StreamKind[] | string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const kinds = text.split(',').map((k) => k.trim());
  const unknown = kinds.find((k) => !(STREAM_KINDS as readonly string[]).includes(k));
  return unknown !== undefined ? unknown : (kinds as StreamKind[]);
}

/** The message for one event, or undefined when it is not to be sent. */
async function messageFor(event: RecordedEvent, principal: Principal, filter: StreamFilter, scopes: EventScopes) {
  const scope = await scopes.scopeOf(event);
  if (scope === undefined || !shouldSend(principal, scope, filter)) return undefined;
  const data = {
    position: event.globalPosition,
    stream: event.streamId,
    streamPosition: event.streamPosition,
    kind: scope.kind,
    id: scope.id,
    site: scope.sites === 'all' ? null : principal.site,
    type: event.type,
    actor: event.actor,
    recordedAt: event.recordedAt,
    data: event.data,
  };
  return { id: String(event.globalPosition), event: event.type === 'CommandRefused' ? 'refusal' : 'event', data: JSON.stringify(data) };
}

/** Registers the live stream on the API app. */
export function registerStreamRoutes(app: OpenAPIHono<AppEnv>, deps: StreamRouteDeps): void {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  app.openapi(
    streamRoute,
    async (c) => {
      const principal = c.get('principal') as Principal | undefined;
      if (principal === undefined) return problem(c, 401, 'not_authenticated', 'sign in to follow the live stream');
      const query = c.req.valid('query');
      if (query.site !== undefined && query.site !== principal.site) {
        return problem(c, 403, 'site_mismatch', `you are signed in at site ${principal.site}; the stream shows that site only`);
      }
      const kinds = parseKinds(query.kind);
      if (typeof kinds === 'string') return problem(c, 400, 'invalid_request', `kind: "${kinds}" is not one of ${STREAM_KINDS.join(', ')}`);
      if (readableKinds(principal).length === 0) {
        return problem(c, 403, 'role_not_permitted', `none of your roles at site ${principal.site} may follow the live stream`);
      }
      const head = (await deps.store.head()).size;
      const from = c.req.valid('header')['last-event-id'] ?? query.after;
      const after = from === undefined ? head : Number(from);
      if (after > head) return problem(c, 400, 'invalid_request', `position ${after} is beyond the end of the log (${head})`);
      const filter: StreamFilter = { ...(query.batch !== undefined ? { batch: query.batch } : {}), ...(kinds !== undefined ? { kinds } : {}) };
      const scopes = new EventScopes(deps.store);

      return streamSSE(c, async (stream: SSEStreamingApi) => {
        const stop = new AbortController();
        stream.onAbort(() => stop.abort());
        c.req.raw.signal.addEventListener('abort', () => stop.abort());
        const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), heartbeatMs);
        try {
          // Sent at once, so that the client knows the stream is open before the first event.
          await stream.write(': connected\n\n');
          await runFeed({
            store: deps.store,
            after,
            signal: stop.signal,
            deliver: async (event) => {
              const message = await messageFor(event, principal, filter, scopes);
              if (message !== undefined) await stream.writeSSE(message);
            },
          });
        } finally {
          clearInterval(heartbeat);
          stop.abort();
        }
      });
    },
    validationHook,
  );
}
