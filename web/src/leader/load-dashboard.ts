/** Everything the leader's dashboard shows, loaded at once; the live stream then keeps it moving. */
import { getBatch, listBatches } from '../api/batches.ts';
import { cachedVersion } from '../api/procedures.ts';
import { listDecisions, listDeviations, listRefusals, type Optional } from '../api/quality.ts';
import { getRecord } from '../api/record.ts';
import type { BatchSummary, BatchView, ProcedureDefinition } from '../api/types.ts';

/** How many completed batches the cycle-time chart and the refusal counts look back over. */
export const HISTORY = 30;

export interface DashboardData {
  readonly running: BatchView[];
  readonly completed: BatchView[];
  readonly allCompleted: BatchSummary[];
  readonly definitions: Map<string, ProcedureDefinition>;
  readonly openDeviations: number;
  readonly decisions: Optional<number>;
}

/** Refused attempts by reason code, and where they were counted from. */
export interface RefusalCounts {
  readonly byCode: Record<string, number>;
  readonly source: 'api' | 'records';
  readonly batches: number;
}

/** Counted once when the dashboard opens; the live stream adds each new refusal. */
export async function loadRefusalCounts(): Promise<RefusalCounts> {
  const batches = await listBatches();
  const running = batches.filter((b) => b.status === 'in_progress');
  const recent = batches.filter((b) => b.status === 'completed').sort((a, b) => (a.id < b.id ? -1 : 1)).slice(-HISTORY);
  return refusalCounts([...recent, ...running]);
}

async function refusalCounts(batches: readonly BatchSummary[]): Promise<RefusalCounts> {
  // The refusal history is for supervisors, QA and leaders; others (403) count from the batch records.
  const fromApi = await listRefusals();
  const byCode: Record<string, number> = {};
  if (fromApi.available) {
    for (const r of fromApi.value) byCode[r.code] = (byCode[r.code] ?? 0) + 1;
    return { byCode, source: 'api', batches: batches.length };
  }
  // Without a refusal history route, each batch record lists the attempts refused on it.
  const records = await Promise.all(batches.map((b) => getRecord(b.id).catch(() => undefined)));
  for (const r of records) for (const refusal of r?.refusals ?? []) byCode[refusal.code] = (byCode[refusal.code] ?? 0) + 1;
  return { byCode, source: 'records', batches: batches.length };
}

export async function loadDashboard(): Promise<DashboardData> {
  const batches = await listBatches();
  const runningSummaries = batches.filter((b) => b.status === 'in_progress');
  const allCompleted = batches.filter((b) => b.status === 'completed').sort((a, b) => (a.id < b.id ? -1 : 1));
  const recent = allCompleted.slice(-HISTORY);
  const [running, completed, deviations, decisions] = await Promise.all([
    Promise.all(runningSummaries.map((b) => getBatch(b.id))),
    Promise.all(recent.map((b) => getBatch(b.id))),
    listDeviations(),
    listDecisions(),
  ]);
  const definitions = new Map<string, ProcedureDefinition>();
  for (const b of running) definitions.set(`${b.procedure}@${b.procedureVersion}`, (await cachedVersion(b.procedure, b.procedureVersion)).definition);
  const openDeviations = deviations.available ? deviations.value.filter((d) => d.status !== 'closed').length : running.reduce((n, b) => n + b.deviations.length, 0);
  return {
    running,
    completed,
    allCompleted,
    definitions,
    openDeviations,
    decisions: decisions.available ? { available: true as const, value: decisions.value.length } : decisions,
  };
}
