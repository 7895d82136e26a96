/** Procedures: versions, their definitions, the checker, upload and the lifecycle commands. */
import { api, newIdempotencyKey, seg } from './client.ts';
import type { CheckResult, CommandResult, DraftResult, ProcedureView, VersionView } from './types.ts';

export const listProcedures = async () => (await api<{ items: ProcedureView[] }>('/api/procedures')).items;
export const getProcedure = (code: string) => api<ProcedureView>(`/api/procedures/${seg(code)}`);
export const getVersion = (code: string, version: number) => api<VersionView>(`/api/procedures/${seg(code)}/versions/${seg(version)}`);

/** Parser and checker messages without storing anything. */
export const checkProcedure = (source: string) => api<CheckResult>('/api/procedures/check', { method: 'POST', body: source, contentType: 'text/yaml' });

/** Stores the YAML as a new draft; a procedure with errors is refused (422 with details.diagnostics). */
export const uploadDraft = (source: string) =>
  api<DraftResult>('/api/procedures', { method: 'POST', body: source, contentType: 'text/yaml', idempotencyKey: newIdempotencyKey() });

export type LifecycleAction = 'submit' | 'approve' | 'make-effective' | 'retire';

export const lifecycle = (code: string, version: number, action: LifecycleAction) =>
  api<CommandResult>(`/api/procedures/${seg(code)}/versions/${seg(version)}/${action}`, { method: 'POST', body: {}, idempotencyKey: newIdempotencyKey() });

/** Definitions change only with a new version: one fetch per version is enough. */
const definitions = new Map<string, Promise<VersionView>>();
export function cachedVersion(code: string, version: number): Promise<VersionView> {
  const key = `${code}@${version}`;
  let found = definitions.get(key);
  if (found === undefined) {
    found = getVersion(code, version);
    found.catch(() => definitions.delete(key));
    definitions.set(key, found);
  }
  return found;
}
