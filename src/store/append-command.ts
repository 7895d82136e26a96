/**
 * One command's append inside a write transaction: idempotency, the concurrency check, the hash chain,
 * the Merkle frontier and the projections. Shared by every backend.
 */
import { createHash } from 'node:crypto';
import type { EventRow, WriteTx } from './backend.ts';
import type { AppendRequest, AppendResult, RecordedEvent } from './event-store.ts';
import { ConcurrencyError, IdempotencyKeyReusedError, InvalidAppendError } from './errors.ts';
import { ZERO_HASH, canonicalJson, eventHash } from './ledger/event-hash.ts';
import { appendToFrontier, leafHash } from './ledger/merkle.ts';

/** The log's size and frontier as the batch advances (saved once per transaction). */
export interface LogCursor {
  size: number;
  frontier: string[];
}

const MAX_ID_LENGTH = 200;

/** Rejects a malformed request before it reaches the database. */
export function validateAppend(request: AppendRequest): void {
  const { streamId, events, actor, idempotencyKey } = request;
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_ID_LENGTH) {
    throw new InvalidAppendError(`stream id must be 1–${MAX_ID_LENGTH} characters`);
  }
  if (typeof actor !== 'string' || actor.length === 0 || actor.length > MAX_ID_LENGTH) {
    throw new InvalidAppendError(`actor must be 1–${MAX_ID_LENGTH} characters`);
  }
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  for (const e of events) {
    if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > MAX_ID_LENGTH) {
      throw new InvalidAppendError(`event type must be 1–${MAX_ID_LENGTH} characters`);
    }
  }
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_ID_LENGTH)) {
    throw new InvalidAppendError(`idempotency key must be 1–${MAX_ID_LENGTH} characters`);
  }
  const { expectedVersion: v } = request;
  if (!(v === 'any' || v === 'no_stream' || (Number.isSafeInteger(v) && v >= 0))) {
    throw new InvalidAppendError('expected version must be a non-negative integer, "no_stream" or "any"');
  }
}

/** Hash of what was asked, so a key reused for another request is told apart from a retry. */
export function fingerprint(request: AppendRequest, dataTexts: readonly string[]): string {
  const shape = {
    streamId: request.streamId,
    expectedVersion: request.expectedVersion,
    actor: request.actor,
    events: request.events.map((e, i) => [e.type, dataTexts[i]]),
  };
  return createHash('sha256').update(canonicalJson(shape)).digest('hex');
}

export function toRecorded(row: EventRow): RecordedEvent {
  return { ...row, data: JSON.parse(row.data) as unknown };
}

/** Applies one command; mutates `log` only when it succeeds. Returns the result and the new rows. */
export async function appendCommand(
  tx: WriteTx,
  request: AppendRequest,
  log: LogCursor,
  recordedAt: string,
): Promise<{ result: AppendResult; rows: EventRow[] }> {
  const dataTexts = request.events.map((e) => {
    try {
      return canonicalJson(e.data ?? null);
    } catch {
      throw new InvalidAppendError(`data of event ${e.type} is not JSON-serialisable`);
    }
  });
  const print = fingerprint(request, dataTexts);
  const key = request.idempotencyKey;
  if (key !== undefined) {
    const earlier = await tx.findIdempotency(key);
    if (earlier !== undefined) {
      if (earlier.fingerprint !== print) throw new IdempotencyKeyReusedError(key);
      const { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition } = earlier;
      return { result: { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition, replayed: true }, rows: [] };
    }
  }

  const head = await tx.streamHead(request.streamId);
  const version = head?.version ?? 0;
  const expected = request.expectedVersion;
  if (expected === 'no_stream' ? version !== 0 : expected !== 'any' && expected !== version) {
    throw new ConcurrencyError(request.streamId, expected, version);
  }

  const rows: EventRow[] = [];
  let prevHash = head?.hash ?? ZERO_HASH;
  let { size, frontier } = log;
  request.events.forEach((event, i) => {
    const fields = {
      prevHash,
      globalPosition: size + 1,
      streamId: request.streamId,
      streamPosition: version + i + 1,
      type: event.type,
      data: dataTexts[i]!,
      actor: request.actor,
      recordedAt,
    };
    const hash = eventHash(fields);
    rows.push({ ...fields, hash });
    frontier = appendToFrontier(frontier, size, leafHash(hash).toString('hex'));
    size += 1;
    prevHash = hash;
  });

  await tx.insertEvents(rows);
  const last = rows[rows.length - 1]!;
  await tx.saveStreamHead(request.streamId, { version: last.streamPosition, hash: last.hash });
  if (request.project !== undefined) await request.project(tx, rows.map(toRecorded));
  const result: AppendResult = {
    streamId: request.streamId,
    nextVersion: last.streamPosition,
    firstGlobalPosition: rows[0]!.globalPosition,
    lastGlobalPosition: last.globalPosition,
    replayed: false,
  };
  if (key !== undefined) await tx.saveIdempotency(key, { fingerprint: print, ...result });
  log.size = size;
  log.frontier = frontier;
  return { result, rows };
}
