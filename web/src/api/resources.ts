/** Equipment and lots of the site: what a step can use, with the readiness the server computes. */
import { api, query, seg } from './client.ts';
import type { EquipmentView, LotView, Page } from './types.ts';

async function all<T>(path: string, extra: Record<string, string | undefined> = {}): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  do {
    const page = await api<Page<T>>(`${path}${query({ ...extra, limit: 200, after })}`);
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

/** Equipment with its readiness for the given requirements (e.g. "clean,calibrated") and batch. */
export const listEquipment = (require?: string, batch?: string) => all<EquipmentView>('/api/equipment', { require, batch });
export const getEquipment = (id: string, require?: string, batch?: string) => api<EquipmentView>(`/api/equipment/${seg(id)}${query({ require, batch })}`);
export const listLots = () => all<LotView>('/api/lots');
export const getLot = (id: string) => api<LotView>(`/api/lots/${seg(id)}`);
