/**
 * The batch record as JSON (format openbes-batch-record/1, GET /api/batches/{id}/record): the parts review
 * by exception reads. The HTML page of the same record is the one to print.
 */
import { api, seg } from './client.ts';
import type { Evaluation, Limits, StoredValue } from './types.ts';

export interface Who {
  readonly id: string;
  readonly name: string | null;
  readonly at: string;
  readonly position: number;
}

export interface RecordField {
  readonly id: string;
  readonly label: string;
  readonly unit: string | null;
  readonly limits: Limits | null;
  readonly entries: readonly { readonly round: number; readonly value: StoredValue; readonly evaluation: Evaluation; readonly by: string; readonly name: string | null; readonly at: string }[];
  readonly corrections: readonly { readonly previous: StoredValue; readonly value: StoredValue; readonly reason: string; readonly by: string; readonly name: string | null; readonly at: string }[];
  readonly current: { readonly value: StoredValue; readonly evaluation: Evaluation } | null;
}

export interface RecordSignature {
  readonly meaning: string;
  readonly by: string;
  readonly name: string;
  readonly at: string;
  readonly valid: boolean | null;
  readonly changedBy: readonly number[];
}

export interface RecordStep {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly started: Who | null;
  readonly completed: Who | null;
  readonly verified: Who | null;
  readonly fields: readonly RecordField[];
  readonly signatures: readonly RecordSignature[];
  readonly deviations: readonly string[];
}

export interface BatchRecord {
  readonly format: string;
  readonly header: {
    readonly batchId: string;
    readonly product: string | null;
    readonly site: string;
    readonly procedure: { readonly code: string; readonly title: string; readonly version: number };
    readonly status: string;
    readonly created: Who;
    readonly completed: Who | null;
  };
  readonly sections: readonly { readonly steps: readonly RecordStep[] }[];
  readonly holds: readonly { readonly holdId: string; readonly stepId: string | null; readonly reason: string; readonly deviationId: string | null; readonly placed: Who; readonly released: (Who & { readonly reason: string }) | null }[];
  readonly deviations: readonly { readonly deviationId: string; readonly stepId: string; readonly fieldId: string | null; readonly severity: string; readonly group: string; readonly message: string; readonly status: string; readonly raised: Who }[];
  readonly refusals: readonly { readonly position: number; readonly at: string; readonly by: string; readonly name: string | null; readonly command: string; readonly code: string; readonly message: string; readonly stepId: string | null }[];
  readonly verification: { readonly eventsVerified: boolean; readonly problems: readonly string[]; readonly streams: readonly { readonly streamId: string; readonly chainVerified: boolean; readonly head: string }[] };
}

export const getRecord = (batchId: string) => api<BatchRecord>(`/api/batches/${seg(batchId)}/record`);

/** The human-readable record, printable from the browser. */
export const recordHtmlUrl = (batchId: string) => `/api/batches/${seg(batchId)}/record.html`;
