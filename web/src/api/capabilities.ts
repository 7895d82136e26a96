/**
 * Which routes this server offers, from its OpenAPI document: views whose API is not there (yet) say so
 * instead of failing, e.g. batch release before the quality module is installed.
 */
import { api } from './client.ts';

let paths: Promise<Set<string>> | undefined;

function load(): Promise<Set<string>> {
  paths ??= api<{ paths?: Record<string, Record<string, unknown>> }>('/api/openapi.json')
    .then((doc) => {
      const out = new Set<string>();
      for (const [path, methods] of Object.entries(doc.paths ?? {})) for (const method of Object.keys(methods)) out.add(`${method.toUpperCase()} ${path}`);
      return out;
    })
    .catch(() => {
      paths = undefined;
      return new Set<string>();
    });
  return paths;
}

/** Whether the server documents `method path` (path as in OpenAPI, e.g. /api/batches/{batchId}/release). */
export async function offers(method: string, path: string): Promise<boolean> {
  return (await load()).has(`${method.toUpperCase()} ${path}`);
}
