/**
 * Process samples: a time-series table beside the ledger, not in it. A press reports its compression force
 * several times a second; one event per sample would bury the record. Excursions are what the record keeps
 * (src/domain/execution/decide-process.ts); the samples stay queryable for charts and investigations.
 */
export interface ProcessSample {
  readonly site: string;
  /** Where the value came from: an equipment id and measurement (`L1-P-01/compression-force`) or a literal tag. */
  readonly source: string;
  /** Server time at receipt (ISO 8601 UTC): clients never set a record's time. */
  readonly at: string;
  readonly value: number;
}

export interface SampleQuery {
  readonly site: string;
  readonly source: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

export interface SampleStore {
  add(samples: readonly ProcessSample[]): Promise<void>;
  /** Oldest first. */
  query(query: SampleQuery): Promise<ProcessSample[]>;
  close(): Promise<void>;
}
