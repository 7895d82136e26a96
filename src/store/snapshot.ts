/**
 * A consistent copy of every table of the store, as engine-neutral rows: what backups are made of and what
 * restore writes back. Values are numbers and strings only (JSON columns travel as their JSON text).
 */

export const SNAPSHOT_TABLES = [
  {
    name: 'events',
    columns: ['global_position', 'stream_id', 'stream_position', 'type', 'data', 'actor', 'recorded_at', 'prev_hash', 'hash'],
    key: ['global_position'],
  },
  { name: 'streams', columns: ['stream_id', 'version', 'hash'], key: ['stream_id'] },
  {
    name: 'idempotency',
    columns: ['key', 'fingerprint', 'stream_id', 'next_version', 'first_global_position', 'last_global_position'],
    key: ['key'],
  },
  { name: 'documents', columns: ['collection', 'id', 'doc'], key: ['collection', 'id'] },
  { name: 'checkpoints', columns: ['size', 'root_hash', 'note', 'created_at'], key: ['size'] },
  { name: 'log_state', columns: ['size', 'frontier'], key: ['size'] },
] as const;

export type SnapshotTable = (typeof SNAPSHOT_TABLES)[number]['name'];

/** Columns holding JSON, carried as text so both engines read back the same value. */
export const JSON_COLUMNS: ReadonlySet<string> = new Set(['documents.doc', 'log_state.frontier']);

export interface SnapshotRecord {
  readonly table: SnapshotTable;
  readonly row: Readonly<Record<string, string | number>>;
}

/** Raised when a restore target already holds data: a restore never merges into a live ledger. */
export class RestoreTargetNotEmptyError extends Error {
  readonly code = 'restore_target_not_empty';
}
