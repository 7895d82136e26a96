/** Batches and their steps: every command a person gives on the shop floor, as the API routes it. */
import { api, newIdempotencyKey, query, seg } from './client.ts';
import type { BatchSummary, BatchView, CommandResult, Page, SignatureMeaning } from './types.ts';

export interface Signature {
  readonly meaning: SignatureMeaning;
  readonly password: string;
}

export type EnteredValue = number | boolean | string | readonly number[];

/** Every batch of the site with the given status, all pages. */
export async function listBatches(status?: 'in_progress' | 'completed'): Promise<BatchSummary[]> {
  const out: BatchSummary[] = [];
  let after: string | undefined;
  do {
    const page = await api<Page<BatchSummary>>(`/api/batches${query({ status, limit: 200, after })}`);
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

export const getBatch = (batchId: string) => api<BatchView>(`/api/batches/${seg(batchId)}`);

const stepCommand = (batchId: string, stepId: string, action: string, body: unknown, key = newIdempotencyKey()) =>
  api<CommandResult>(`/api/batches/${seg(batchId)}/steps/${seg(stepId)}/${action}`, { method: 'POST', body, idempotencyKey: key });

export const startStep = (batchId: string, stepId: string, equipment: Record<string, string>) =>
  stepCommand(batchId, stepId, 'start', Object.keys(equipment).length > 0 ? { equipment } : {});

export const recordValue = (batchId: string, stepId: string, fieldId: string, value: EnteredValue) => stepCommand(batchId, stepId, 'values', { fieldId, value });

export const correctValue = (batchId: string, stepId: string, fieldId: string, value: EnteredValue, reason: string) =>
  stepCommand(batchId, stepId, 'corrections', { fieldId, value, reason });

export interface Consumption {
  readonly material: string;
  readonly lotId: string;
  readonly quantity: number;
  readonly unit: string;
  readonly balanceId?: string;
}

export const consumeMaterial = (batchId: string, stepId: string, consumption: Consumption) => stepCommand(batchId, stepId, 'consumptions', consumption);

export interface ProducedLot {
  readonly lotId: string;
  readonly quantity: number;
  readonly unit: string;
  readonly expiry: string;
}

export const completeStep = (batchId: string, stepId: string, signature?: Signature, producedLot?: ProducedLot) =>
  stepCommand(batchId, stepId, 'complete', { ...(signature ? { signature } : {}), ...(producedLot ? { producedLot } : {}) });

export const verifyStep = (batchId: string, stepId: string, signature?: Signature) => stepCommand(batchId, stepId, 'verify', signature ? { signature } : {});

export const placeHold = (batchId: string, reason: string, stepId?: string) =>
  api<CommandResult>(`/api/batches/${seg(batchId)}/holds`, { method: 'POST', body: { reason, ...(stepId ? { stepId } : {}) }, idempotencyKey: newIdempotencyKey() });

export const releaseHold = (batchId: string, holdId: string, reason: string) =>
  api<CommandResult>(`/api/batches/${seg(batchId)}/holds/${seg(holdId)}/release`, { method: 'POST', body: { reason }, idempotencyKey: newIdempotencyKey() });
