/**
 * One command's append inside a write transaction: idempotency, the concurrency check, the hash chain,
 * the Merkle frontier and the projections. Shared by every backend.
 */
import { createHash } from 'node:crypto';
import type { EventRow, WriteTx } from './backend.ts';
import type { AppendRequest, AppendResult, NewEvent, RecordedEvent, StreamAppend } from './event-store.ts';
import { ConcurrencyError, IdempotencyKeyReusedError, InvalidAppendError } from './errors.ts';
import { ZERO_HASH, canonicalJson, eventHash } from './ledger/event-hash.ts';
import { appendToFrontier, leafHash } from './ledger/merkle.ts';

/** The log's size and frontier as the batch advances (saved once per transaction). */
export interface LogCursor {
  size: number;
  frontier: string[];
}

const MAX_ID_LENGTH = 200;

function validateEvents(events: readonly NewEvent[]): void {
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  for (const e of events) {
    if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > MAX_ID_LENGTH) {
      throw new InvalidAppendError(`event type must be 1–${MAX_ID_LENGTH} characters`);
    }
  }
}

function validateStreamId(streamId: unknown): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_ID_LENGTH) {
    throw new InvalidAppendError(`stream id must be 1–${MAX_ID_LENGTH} characters`);
  }
}

function validateExpected(v: unknown): void {
  if (!(v === 'any' || v === 'no_stream' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))) {
    throw new InvalidAppendError('expected version must be a non-negative integer, "no_stream" or "any"');
  }
}

/** Rejects a malformed request before it reaches the database. */
export function validateAppend(request: AppendRequest): void {
  const { actor, idempotencyKey } = request;
  if (typeof actor !== 'string' || actor.length === 0 || actor.length > MAX_ID_LENGTH) {
    throw new InvalidAppendError(`actor must be 1–${MAX_ID_LENGTH} characters`);
  }
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_ID_LENGTH)) {
    throw new InvalidAppendError(`idempotency key must be 1–${MAX_ID_LENGTH} characters`);
  }
  const parts = partsOf(request);
  const seen = new Set<string>();
  for (const part of parts) {
    validateStreamId(part.streamId);
    validateEvents(part.events);
    validateExpected(part.expectedVersion);
    if (seen.has(part.streamId)) throw new InvalidAppendError(`stream ${part.streamId} appears twice in one append`);
    seen.add(part.streamId);
  }
}

/** The main stream first, then the others, in the order given. */
function partsOf(request: AppendRequest): StreamAppend[] {
  return [{ streamId: request.streamId, events: request.events, expectedVersion: request.expectedVersion }, ...(request.also ?? [])];
}

/** Hash of what was asked, so a key reused for another request is told apart from a retry. */
export function fingerprint(request: AppendRequest, dataTexts: readonly (readonly string[])[]): string {
  const shape = {
    actor: request.actor,
    streams: partsOf(request).map((part, p) => ({
      streamId: part.streamId,
      expectedVersion: part.expectedVersion,
      events: part.events.map((e, i) => [e.type, dataTexts[p]![i]]),
    })),
  };
  return createHash('sha256').update(canonicalJson(shape)).digest('hex');
}

export function toRecorded(row: EventRow): RecordedEvent {
  return { ...row, data: JSON.parse(row.data) as unknown };
}

/** Applies one command (one or more streams); mutates `log` only when it succeeds. Returns the result and the new rows. */
export async function appendCommand(
  tx: WriteTx,
  request: AppendRequest,
  log: LogCursor,
  recordedAt: string,
): Promise<{ result: AppendResult; rows: EventRow[] }> {
  const parts = partsOf(request);
  const dataTexts = parts.map((part) =>
    part.events.map((e) => {
      try {
        return canonicalJson(e.data ?? null);
      } catch {
        throw new InvalidAppendError(`data of event ${e.type} is not JSON-serialisable`);
      }
    }),
  );
  const print = request.fingerprint ?? fingerprint(request, dataTexts);
  const key = request.idempotencyKey;
  if (key !== undefined) {
    const earlier = await tx.findIdempotency(key);
    if (earlier !== undefined) {
      if (earlier.fingerprint !== print) throw new IdempotencyKeyReusedError(key);
      const { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition } = earlier;
      return { result: { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition, replayed: true }, rows: [] };
    }
  }

  // Every stream's version is checked before anything is written, so a conflict on any writes nothing.
  const heads: { version: number; hash: string }[] = [];
  for (const part of parts) {
    const head = await tx.streamHead(part.streamId);
    const version = head?.version ?? 0;
    const expected = part.expectedVersion;
    if (expected === 'no_stream' ? version !== 0 : expected !== 'any' && expected !== version) {
      throw new ConcurrencyError(part.streamId, expected, version);
    }
    heads.push({ version, hash: head?.hash ?? ZERO_HASH });
  }

  const rows: EventRow[] = [];
  const versions: number[] = [];
  let { size, frontier } = log;
  parts.forEach((part, p) => {
    let { version, hash: prevHash } = heads[p]!;
    part.events.forEach((event, i) => {
      const fields = {
        prevHash,
        globalPosition: size + 1,
        streamId: part.streamId,
        streamPosition: version + 1,
        type: event.type,
        data: dataTexts[p]![i]!,
        actor: request.actor,
        recordedAt,
      };
      const hash = eventHash(fields);
      rows.push({ ...fields, hash });
      frontier = appendToFrontier(frontier, size, leafHash(hash).toString('hex'));
      size += 1;
      version += 1;
      prevHash = hash;
    });
    versions.push(version);
  });

  await tx.insertEvents(rows);
  for (const part of parts) {
    const last = rows.filter((r) => r.streamId === part.streamId).at(-1)!;
    await tx.saveStreamHead(part.streamId, { version: last.streamPosition, hash: last.hash });
  }
  if (request.project !== undefined) await request.project(tx, rows.map(toRecorded));
  const mainRows = rows.slice(0, parts[0]!.events.length);
  const result: AppendResult = {
    streamId: request.streamId,
    nextVersion: versions[0]!,
    firstGlobalPosition: mainRows[0]!.globalPosition,
    lastGlobalPosition: mainRows.at(-1)!.globalPosition,
    ...(parts.length > 1 ? { also: parts.slice(1).map((part, i) => ({ streamId: part.streamId, nextVersion: versions[i + 1]! })) } : {}),
    replayed: false,
  };
  if (key !== undefined) {
    const { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition } = result;
    await tx.saveIdempotency(key, { fingerprint: print, streamId, nextVersion, firstGlobalPosition, lastGlobalPosition });
  }
  log.size = size;
  log.frontier = frontier;
  return { result, rows };
}
