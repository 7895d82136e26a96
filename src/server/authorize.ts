/**
 * The gate in front of every route: finds the route the request matched, looks up its rule in the access
 * table, runs authentication when the rule needs a principal, and turns away a principal who holds none of
 * the rule's roles at their site (403, before any body is read). Unknown routes pass through to the 404.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { roleCheck } from '../domain/resources/roles.ts';
import { accessKey, type AccessTable } from './access.ts';
import type { AppEnv } from './principal.ts';
import { problemError, refusalProblem, ProblemError } from './problem.ts';

/** The endpoint (not middleware) a request matched, if any. */
export function matchedEndpoint(c: Parameters<MiddlewareHandler>[0]): { method: string; path: string } | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== 'ALL') return { method: route.method, path: route.path };
  }
  return undefined;
}

export function authorize(table: AccessTable, authenticate: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const endpoint = matchedEndpoint(c);
    if (endpoint === undefined) return next();
    const rule = table[accessKey(endpoint.method, endpoint.path)];
    // A route without a rule is a defect of the server, never a reason to let the request through.
    if (rule === undefined) throw new Error(`no access rule for ${accessKey(endpoint.method, endpoint.path)}`);
    if (rule.kind === 'public') return next();
    let reached = false;
    const answered = await authenticate(c, async () => {
      reached = true;
      if (rule.kind === 'roles') {
        const denied = roleCheck(c.get('principal').roles, rule.roles, rule.action);
        if (denied) throw new ProblemError(refusalProblem(denied, 403));
      }
      await next();
    });
    if (!reached && answered === undefined) throw problemError(401, 'unauthenticated', 'Sign in to use this route.');
    return answered;
  };
}
