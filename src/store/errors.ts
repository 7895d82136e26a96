/**
 * The store's own error kinds. Each carries a stable `code`; the server maps them to HTTP in one place.
 */

/** The stream moved on since the caller read it (optimistic concurrency). */
export class ConcurrencyError extends Error {
  readonly code = 'concurrency_conflict';
  readonly streamId: string;
  readonly expected: number | 'no_stream' | 'any';
  readonly currentVersion: number;
  constructor(streamId: string, expected: number | 'no_stream' | 'any', currentVersion: number) {
    super(`stream ${streamId} is at version ${currentVersion}, not ${String(expected)}`);
    this.name = 'ConcurrencyError';
    this.streamId = streamId;
    this.expected = expected;
    this.currentVersion = currentVersion;
  }
}

/** The idempotency key was already used for a different request. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency_key_reused';
  readonly key: string;
  constructor(key: string) {
    super(`idempotency key ${key} was already used for a different request`);
    this.name = 'IdempotencyKeyReusedError';
    this.key = key;
  }
}

/**
 * The database abandoned the transaction on its own (SQLite rolls back the whole transaction on a full
 * disk or an I/O error); nothing more may be written in it, and nothing of it is durable.
 */
export class TransactionAbortedError extends Error {
  readonly code = 'transaction_aborted';
  constructor(cause: unknown) {
    super(`the database rolled the transaction back${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
    this.name = 'TransactionAbortedError';
  }
}

/** The request itself is malformed (empty stream id, no events, data that is not JSON). */
export class InvalidAppendError extends Error {
  readonly code = 'invalid_append';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}
