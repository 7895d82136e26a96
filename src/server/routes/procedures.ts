/** Procedures: upload a draft, check without storing, review, approve, make effective, retire; read versions. */
import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { effectiveVersion, type ProcedureState, type ProcedureVersion } from '../../domain/procedure/lifecycle.ts';
import { parseProcedure } from '../../domain/procedure/parse.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import { executeCommand, type CommandOf } from '../../engine/resource-commands.ts';
import { commandAnswer, commandOptions, etag } from '../command.ts';
import { actorOf, type AppEnv } from '../principal.ts';
import { ProblemError, problem, problemError, refusalProblem } from '../problem.ts';
import { CommandHeaders, COMMAND_ANSWERS, COMMAND_PROBLEMS, jsonBody, ok } from '../schemas/common.ts';
import { EmptyBody } from '../schemas/equipment.ts';
import { CheckResult, DraftResult, ProcedureParams, ProcedureView, sourceContent, VersionParams, VersionView } from '../schemas/procedures.ts';
import { loadProcedure } from '../visibility.ts';
import { allOf, type Api, type RouteDeps } from './deps.ts';

const tags = ['Procedures'];

const COMMANDS = [
  { path: 'submit', type: 'SubmitForReview', summary: 'Submit a draft for review (engineer)' },
  { path: 'approve', type: 'ApproveVersion', summary: 'Approve a version in review (QA; never the person who drafted it)' },
  { path: 'make-effective', type: 'MakeEffective', summary: 'Make an approved version effective; the one before is superseded (QA)' },
  { path: 'retire', type: 'RetireVersion', summary: 'Retire a version (QA)' },
] as const;

function summary(v: ProcedureVersion) {
  return {
    version: v.version,
    status: v.status,
    approved: v.approvedBy !== undefined,
    title: v.definition.title,
    sourceHash: v.sourceHash,
    draftedBy: v.draftedBy,
    ...(v.approvedBy !== undefined ? { approvedBy: v.approvedBy } : {}),
    ...(v.effectiveFrom !== undefined ? { effectiveFrom: v.effectiveFrom } : {}),
  };
}

function view(p: Snapshot<ProcedureState>): z.infer<typeof ProcedureView> {
  const effective = effectiveVersion(p.state);
  return { procedure: p.state.procedure ?? '', ...(effective !== undefined ? { effectiveVersion: effective } : {}), versions: p.state.versions.map(summary), version: p.version };
}

/** The YAML of a request: `source` of a JSON body (the schema checked it), or the body itself (text/yaml). */
async function sourceOf(c: Context<AppEnv>, json: string | { source?: string }): Promise<string> {
  return typeof json === 'object' && json.source !== undefined ? json.source : c.req.text();
}

const list = createRoute({ method: 'get', path: '/api/procedures', tags, summary: 'List the procedures and their versions', responses: ok(z.object({ items: z.array(ProcedureView) }), 'Procedures, by code') });
const get = createRoute({ method: 'get', path: '/api/procedures/{procedure}', tags, summary: 'Get a procedure and its versions', request: { params: ProcedureParams }, responses: ok(ProcedureView, 'The procedure (ETag: its record version)') });
const getVersion = createRoute({
  method: 'get',
  path: '/api/procedures/{procedure}/versions/{version}',
  tags,
  summary: 'Get one version: its status, source and definition',
  request: { params: VersionParams },
  responses: ok(VersionView, 'The version'),
});
const check = createRoute({
  method: 'post',
  path: '/api/procedures/check',
  tags,
  summary: 'Check a procedure without storing it',
  description: 'Answers 200 with the parser and checker diagnostics (line and column in the YAML), errors or not.',
  request: { body: sourceContent('The procedure YAML (text/yaml), or JSON {"source": "…"}') },
  responses: ok(CheckResult, 'The diagnostics'),
});
const draft = createRoute({
  method: 'post',
  path: '/api/procedures',
  tags,
  summary: 'Upload a procedure as a new draft version (engineer)',
  description: 'A procedure with errors is refused with 422 `invalid_definition` and `details.diagnostics`; nothing is stored.',
  request: { headers: CommandHeaders, body: sourceContent('The procedure YAML (text/yaml), or JSON {"source": "…"}') },
  responses: { 201: { description: 'Drafted', content: { 'application/json': { schema: DraftResult } } }, ...COMMAND_PROBLEMS },
});

export function procedureRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(list, async (c) => {
    const items = (await allOf<ProcedureState>(deps.store, 'procedure')).map(view).sort((a, b) => (a.procedure < b.procedure ? -1 : 1));
    return c.json({ items }, 200);
  });

  app.openapi(get, async (c) => {
    const p = await loadProcedure(deps.engine, c.req.valid('param').procedure);
    return c.json(view(p), 200, { etag: etag(p.version) });
  });

  app.openapi(getVersion, async (c) => {
    const { procedure, version } = c.req.valid('param');
    const p = await loadProcedure(deps.engine, procedure);
    const found = p.state.versions.find((v) => v.version === version);
    if (found === undefined) throw problemError(404, 'not_found', `${procedure} has no version ${version}.`, { details: { procedure, version } });
    const body = { ...summary(found), procedure, source: found.source, definition: found.definition as unknown as Record<string, unknown> };
    return c.json(body, 200, { etag: etag(p.version) });
  });

  app.openapi(check, async (c) => {
    const parsed = parseProcedure(await sourceOf(c, c.req.valid('json')));
    const body = { ok: parsed.ok, ...(parsed.ok ? { procedure: parsed.definition.procedure } : {}), diagnostics: parsed.diagnostics };
    return c.json(body, 200);
  });

  app.openapi(draft, async (c) => {
    const source = await sourceOf(c, c.req.valid('json'));
    const parsed = parseProcedure(source);
    if (!parsed.ok) {
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0]!;
      const where = first.line === undefined ? '' : ` (line ${first.line}, column ${first.column ?? 1})`;
      throw new ProblemError(
        problem(422, 'invalid_definition', `The procedure has ${errors.length} error${errors.length === 1 ? '' : 's'}; the first${where}: ${first.message}.`, { details: { diagnostics: parsed.diagnostics } }),
      );
    }
    const code = parsed.definition.procedure;
    const sourceHash = createHash('sha256').update(source).digest('hex');
    const command: CommandOf<'procedure'> = { type: 'DraftVersion', data: { definition: parsed.definition, source, sourceHash } };
    const outcome = await executeCommand(deps.engine, 'procedure', code, command, actorOf(c.get('principal')), commandOptions(c.req.valid('header')));
    const replayed: Record<string, string> = outcome.replayed ? { 'idempotent-replayed': 'true' } : {};
    if (!outcome.ok) throw new ProblemError(refusalProblem(outcome.refusal), replayed);
    const [drafted] = await deps.store.readAll({ after: outcome.firstGlobalPosition - 1, limit: 1 });
    const procedureVersion = (drafted?.data as { version: number }).version;
    const body = { id: code, version: outcome.version, log: { first: outcome.firstGlobalPosition, last: outcome.lastGlobalPosition }, procedureVersion, diagnostics: parsed.diagnostics };
    return c.json(body, 201, { ...replayed, etag: etag(outcome.version), location: `/api/procedures/${code}/versions/${procedureVersion}` });
  });

  for (const spec of COMMANDS) {
    const route = createRoute({
      method: 'post',
      path: `/api/procedures/{procedure}/versions/{version}/${spec.path}`,
      tags,
      summary: spec.summary,
      request: { params: VersionParams, headers: CommandHeaders, body: jsonBody(EmptyBody) },
      responses: COMMAND_ANSWERS,
    });
    app.openapi(route, async (c) => {
      const { procedure, version } = c.req.valid('param');
      await loadProcedure(deps.engine, procedure);
      const command = { type: spec.type, data: { version } } as CommandOf<'procedure'>;
      const outcome = await executeCommand(deps.engine, 'procedure', procedure, command, actorOf(c.get('principal')), commandOptions(c.req.valid('header')));
      return commandAnswer(c, outcome, procedure);
    });
  }
}

