/**
 * buildBatchRecord: the complete, verifiable record of one batch, from the ledger.
 */
import type { LedgerStore } from '../store/ledger-store.ts';
import type { EventRow } from '../store/backend.ts';
import type { NoteVerifier } from '../store/ledger/checkpoint-note.ts';
import { collectRecordEvents } from './collect-events.ts';
import { deriveRecord } from './derive-record.ts';
import { ledgerEvidence } from './ledger-evidence.ts';
import { RECORD_FORMAT, type BatchRecord, type RecordEvent } from './record-schema.ts';

export interface BuildRecordOptions {
  /** Keys the installation trusts; the record names the one that signed its checkpoint. */
  readonly verifiers: readonly NoteVerifier[];
  /**
   * Sign a checkpoint first when the latest one does not cover every event of the record, so that the
   * whole record is provable (a checkpoint changes no record; it seals the log as it is).
   */
  readonly seal?: boolean;
  readonly clock?: () => Date;
}

/** The event as the record shows it; data that is not JSON (a tampered row) is kept as its text. */
function recordEvent(row: EventRow): RecordEvent {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    data = row.data;
  }
  return { ...row, data };
}

/** The record of a batch, or undefined when there is no such batch. */
export async function buildBatchRecord(store: LedgerStore, batchId: string, options: BuildRecordOptions): Promise<BatchRecord | undefined> {
  const collected = await collectRecordEvents(store.backend, batchId);
  if (collected === undefined) return undefined;
  const last = collected.rows.at(-1)!.globalPosition;
  if (options.seal === true) {
    const sealed = (await store.backend.listCheckpoints()).some((c) => c.size >= last);
    if (!sealed) await store.checkpoint();
  }
  const auditTrail = collected.rows.map(recordEvent);
  const verification = await ledgerEvidence({ backend: store.backend, ...collected, verifiers: options.verifiers, head: await store.head() });
  return {
    format: RECORD_FORMAT,
    exportedAt: (options.clock ?? (() => new Date()))().toISOString(),
    ...deriveRecord(batchId, auditTrail),
    auditTrail,
    verification,
  };
}
