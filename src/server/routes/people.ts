/** People: registration, roles at this site, training, deactivation. */
import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { PersonState } from '../../domain/resources/person-state.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import { executeCommand, type CommandOf } from '../../engine/resource-commands.ts';
import { commandAnswer, commandOptions, createdAnswer, etag, type CommandHeaderValues } from '../command.ts';
import { actorOf, type AppEnv } from '../principal.ts';
import { problemError } from '../problem.ts';
import { CommandHeaders, COMMAND_ANSWERS, CREATE_ANSWERS, jsonBody, ok, page, PageQuery } from '../schemas/common.ts';
import { DeactivateBody, PersonParams, PersonView, RegisterPersonBody, RoleBody, TrainingBody } from '../schemas/people.ts';
import { loadPerson, personVisibleAt } from '../visibility.ts';
import { allOf, pageOf, type Api, type RouteDeps } from './deps.ts';
import type { Context } from 'hono';

const tags = ['People'];

function view(p: Snapshot<PersonState>, site: string): z.infer<typeof PersonView> {
  const s = p.state;
  return { id: s.id, username: s.username, name: s.name, active: s.active, roles: [...(s.roles[site] ?? [])], training: [...s.training], version: p.version };
}

const list = createRoute({ method: 'get', path: '/api/people', tags, summary: 'List the people of your site', request: { query: PageQuery }, responses: ok(page(PersonView), 'People, by id') });
const get = createRoute({ method: 'get', path: '/api/people/{personId}', tags, summary: 'Get a person', request: { params: PersonParams }, responses: ok(PersonView, 'The person (ETag: their version)') });
const register = createRoute({
  method: 'post',
  path: '/api/people',
  tags,
  summary: 'Register a person (admin)',
  description: 'Usernames are unique. A new person holds no role; grant one at your site next.',
  request: { headers: CommandHeaders, body: jsonBody(RegisterPersonBody) },
  responses: CREATE_ANSWERS,
});

const COMMANDS = [
  { path: 'grant-role', summary: 'Grant a role at your site (admin; never to yourself)', body: RoleBody },
  { path: 'revoke-role', summary: 'Revoke a role at your site (admin; never your own)', body: RoleBody },
  { path: 'deactivate', summary: 'Deactivate a person (admin; not yourself): their records stay', body: DeactivateBody },
  { path: 'training', summary: 'Record training on a procedure version (supervisor or QA; never your own)', body: TrainingBody },
] as const;

type Body = z.infer<(typeof COMMANDS)[number]['body']>;

function toCommand(path: (typeof COMMANDS)[number]['path'], body: Body, site: string): CommandOf<'person'> {
  switch (path) {
    case 'grant-role':
      return { type: 'GrantRole', data: { site, role: (body as z.infer<typeof RoleBody>).role } };
    case 'revoke-role':
      return { type: 'RevokeRole', data: { site, role: (body as z.infer<typeof RoleBody>).role } };
    case 'deactivate':
      return { type: 'DeactivatePerson', data: body as z.infer<typeof DeactivateBody> };
    case 'training':
      return { type: 'RecordTraining', data: body as z.infer<typeof TrainingBody> };
  }
}

export function peopleRoutes(app: Api, deps: RouteDeps): void {
  const run = (c: Context<AppEnv>, id: string, command: CommandOf<'person'>, headers: CommandHeaderValues) =>
    executeCommand(deps.engine, 'person', id, command, actorOf(c.get('principal')), commandOptions(headers));

  app.openapi(list, async (c) => {
    const site = c.get('principal').site;
    const people = (await allOf<PersonState>(deps.store, 'person')).filter((p) => personVisibleAt(p.state, site)).map((p) => view(p, site));
    return c.json(pageOf(people, (p) => p.id, c.req.valid('query')), 200);
  });

  app.openapi(get, async (c) => {
    const site = c.get('principal').site;
    const person = await loadPerson(deps.engine, c.req.valid('param').personId, site);
    return c.json(view(person, site), 200, { etag: etag(person.version) });
  });

  app.openapi(register, async (c) => {
    const body = c.req.valid('json');
    // The one rule across records: a username names one person (sign-in looks people up by it).
    const holder = (await allOf<PersonState>(deps.store, 'person')).find((p) => p.state.username.toLowerCase() === body.username.toLowerCase());
    if (holder !== undefined && holder.state.id !== body.personId) {
      throw problemError(409, 'username_taken', `The username ${body.username} is already taken; choose another.`, { details: { username: body.username } });
    }
    const outcome =
      deps.registerPerson === undefined
        ? await run(c, body.personId, { type: 'RegisterPerson', data: body }, c.req.valid('header'))
        : await deps.registerPerson(body, actorOf(c.get('principal')), commandOptions(c.req.valid('header')));
    return createdAnswer(c, outcome, body.personId, `/api/people/${body.personId}`);
  });

  for (const spec of COMMANDS) {
    const route = createRoute({
      method: 'post',
      path: `/api/people/{personId}/${spec.path}`,
      tags,
      summary: spec.summary,
      request: { params: PersonParams, headers: CommandHeaders, body: jsonBody(spec.body as z.ZodType<Body>) },
      responses: COMMAND_ANSWERS,
    });
    app.openapi(route, async (c) => {
      const site = c.get('principal').site;
      const { personId } = c.req.valid('param');
      // Granting is how someone who works at another site comes to work here too: any registered person will do.
      if (spec.path === 'grant-role') {
        if (!(await deps.engine.load<PersonState>('person', personId)).state.registered) throw problemError(404, 'not_found', `There is no person ${personId}.`, { details: { kind: 'person', id: personId } });
      } else await loadPerson(deps.engine, personId, site);
      return commandAnswer(c, await run(c, personId, toCommand(spec.path, c.req.valid('json'), site), c.req.valid('header')), personId);
    });
  }
}
