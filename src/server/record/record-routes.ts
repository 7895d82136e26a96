/**
 * GET /api/batches/{id}/record (JSON, or HTML when the client prefers it) and /record.html: the batch record
 * with its proofs, for a reader at the batch's site. Another site's batch is answered like a missing one.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { BatchState } from '../../domain/execution/batch-state.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import { buildBatchRecord } from '../../record/build-record.ts';
import { renderBatchRecordHtml } from '../../record/html/render-record.ts';
import { BatchRecordSchema, type BatchRecord } from '../../record/record-schema.ts';
import type { LedgerStore } from '../../store/ledger-store.ts';
import { loadTrustedVerifiers } from '../../store/ledger/signing-key.ts';
import type { AppEnv } from '../principal.ts';
import { problem, validationHook } from './problem.ts';
import { RECORD_READER_ROLES, canReadRecords } from './readers.ts';
import { prefersHtml } from './accept.ts';

export interface RecordRouteDeps {
  readonly store: LedgerStore;
  /** The ledger keys folder (config.ledger.keysDir): the record names the trusted key that signed its checkpoint. */
  readonly keysDir: string;
  /** Sign a checkpoint first when the latest does not cover the record (default true), so every event is provable. */
  readonly seal?: boolean;
  readonly clock?: () => Date;
}

const Problem = z.object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), code: z.string() });
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });
const params = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' }, example: 'B-0001' }) });
const readers = RECORD_READER_ROLES.join(', ');
const errors = {
  401: problemResponse('Not signed in'),
  403: problemResponse(`The caller holds none of the roles that read records (${readers})`),
  404: problemResponse("No such batch at the caller's site"),
};

const recordRoute = createRoute({
  method: 'get',
  path: '/api/batches/{id}/record',
  tags: ['Batch record'],
  summary: 'The batch record (EBR/DHR) with its hash chains, inclusion proofs and signed checkpoint',
  description: `Every step, value, correction, signature (with whether it still covers its data), hold, deviation, refused attempt and event of the batch, verifiable offline with \`bes verify --record\`. HTML instead of JSON when the Accept header prefers text/html. Roles: ${readers}, at the batch's site.`,
  request: { params },
  responses: {
    200: {
      description: 'The record',
      content: { 'application/json': { schema: BatchRecordSchema }, 'text/html': { schema: z.string() } },
    },
    ...errors,
  },
});

const htmlRoute = createRoute({
  method: 'get',
  path: '/api/batches/{id}/record.html',
  tags: ['Batch record'],
  summary: 'The batch record as a printable page',
  description: `The same record as human-readable HTML (print to PDF from the browser). Roles: ${readers}, at the batch's site.`,
  request: { params },
  responses: { 200: { description: 'The printable record', content: { 'text/html': { schema: z.string() } } }, ...errors },
});

/** Registers the record routes on the API app. */
export function registerRecordRoutes(app: OpenAPIHono<AppEnv>, deps: RecordRouteDeps): void {
  const load = async (c: Context<AppEnv>, id: string): Promise<BatchRecord | Response> => {
    const principal = c.get('principal') as AppEnv['Variables']['principal'] | undefined;
    if (principal === undefined) return problem(c, 401, 'not_authenticated', 'sign in to read batch records');
    if (!canReadRecords(principal)) {
      return problem(c, 403, 'role_not_permitted', `reading a batch record needs the ${readers} role at site ${principal.site}`);
    }
    const missing = () => problem(c, 404, 'batch_not_found', `there is no batch ${id} at site ${principal.site}`);
    // The snapshot answers "which site" cheaply before the record is built.
    const snapshot = await deps.store.getDocument<Snapshot<BatchState>>('batch', id);
    if (snapshot === undefined || snapshot.state.site !== principal.site) return missing();
    const record = await buildBatchRecord(deps.store, id, { verifiers: await loadTrustedVerifiers(deps.keysDir), seal: deps.seal ?? true, ...(deps.clock ? { clock: deps.clock } : {}) });
    return record ?? missing();
  };
  const html = (c: Context, record: BatchRecord) => c.html(renderBatchRecordHtml(record), 200, { 'cache-control': 'no-store' });

  app.openapi(
    recordRoute,
    async (c) => {
      const record = await load(c, c.req.valid('param').id);
      if (record instanceof Response) return record;
      if (prefersHtml(c.req.header('accept'))) return html(c, record);
      return c.json(record, 200, { 'cache-control': 'no-store' });
    },
    validationHook,
  );
  app.openapi(
    htmlRoute,
    async (c) => {
      const record = await load(c, c.req.valid('param').id);
      return record instanceof Response ? record : html(c, record);
    },
    validationHook,
  );
}
