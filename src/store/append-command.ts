/**
 * One command's append inside a group commit: idempotency, the concurrency check, the hash chain, the Merkle
 * frontier and the projections, against the command's in-memory overlay. Shared by every backend.
 */
import { hash } from 'node:crypto';
import type { EventRow } from './backend.ts';
import type { AppendRequest, AppendResult, NewEvent, RecordedEvent, StreamAppend } from './event-store.ts';
import { ConcurrencyError, IdempotencyKeyReusedError, InvalidAppendError } from './errors.ts';
import { ZERO_HASH, canonicalJson, eventHash } from './ledger/event-hash.ts';
import { appendToFrontier, leafHash } from './ledger/merkle.ts';
import type { CommandOverlay } from './group-overlay.ts';

/** The log's size and frontier as the batch advances (saved once per transaction). */
export interface LogCursor {
  size: number;
  frontier: string[];
}

const MAX_ID_LENGTH = 200;
/** A UTF-16 surrogate without its other half: not Unicode text, and not representable in UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What no engine stores as text: a lone surrogate (not UTF-8) or U+0000 (PostgreSQL refuses it in text). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text every engine stores and returns unchanged. Refused up front, so that a request the database would
 * refuse (or silently change) fails alone, never the group commit it would have joined.
 */
function isText(value: unknown): value is string {
  return typeof value === 'string' && !UNSTORABLE.test(value);
}

/** A name (stream id, event type, actor, idempotency key) of 1–MAX_ID_LENGTH characters of text. */
function isName(value: unknown): value is string {
  return isText(value) && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function validateEvents(events: readonly NewEvent[]): void {
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  for (const e of events) {
    if (!isName(e.type)) throw new InvalidAppendError(`event type must be 1–${MAX_ID_LENGTH} characters of text`);
  }
}

function validateStreamId(streamId: unknown): void {
  if (!isName(streamId)) throw new InvalidAppendError(`stream id must be 1–${MAX_ID_LENGTH} characters of text`);
}

function validateExpected(v: unknown): void {
  if (!(v === 'any' || v === 'no_stream' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))) {
    throw new InvalidAppendError('expected version must be a non-negative integer, "no_stream" or "any"');
  }
}

/** Rejects a malformed request before it reaches the database. */
export function validateAppend(request: AppendRequest): void {
  const { actor, idempotencyKey, fingerprint } = request;
  if (!isName(actor)) throw new InvalidAppendError(`actor must be 1–${MAX_ID_LENGTH} characters of text`);
  if (idempotencyKey !== undefined && !isName(idempotencyKey)) {
    throw new InvalidAppendError(`idempotency key must be 1–${MAX_ID_LENGTH} characters of text`);
  }
  if (fingerprint !== undefined && !isText(fingerprint)) throw new InvalidAppendError('fingerprint must be text');
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

/** JSON text of a string, as canonical JSON (RFC 8785, the canonicalize package) writes it. */
function jsonString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(value);
}

/**
 * Hash of what was asked, so a key reused for another request is told apart from a retry: SHA-256 of the
 * canonical JSON of `{ actor, streams: [{ streamId, expectedVersion, events: [[type, data], …] }, …] }`.
 * The text is written directly rather than by canonicalising that object: its keys are fixed (written here in
 * sorted order) and every value is a string or an integer, whose canonical form is JSON.stringify's. The bytes
 * are the same as `canonicalJson(shape)` (append-command.test.ts checks this against the canonicalize package).
 */
export function fingerprint(request: AppendRequest, dataTexts: readonly (readonly string[])[]): string {
  let text = `{"actor":${jsonString(request.actor)},"streams":[`;
  partsOf(request).forEach((part, p) => {
    text += p === 0 ? '{"events":[' : ',{"events":[';
    part.events.forEach((e, i) => {
      text += `${i === 0 ? '' : ','}[${jsonString(e.type)},${jsonString(dataTexts[p]![i]!)}]`;
    });
    const expected = typeof part.expectedVersion === 'number' ? String(part.expectedVersion) : jsonString(part.expectedVersion);
    text += `],"expectedVersion":${expected},"streamId":${jsonString(part.streamId)}}`;
  });
  return hash('sha256', `${text}]}`, 'hex');
}

export function toRecorded(row: EventRow): RecordedEvent {
  return { ...row, data: JSON.parse(row.data) as unknown };
}

/**
 * Applies one command (one or more streams) to its overlay: everything it writes stays there until the group
 * merges it. Mutates `log` only when it succeeds. Returns the result and the new rows.
 */
export async function appendCommand(
  tx: CommandOverlay,
  request: AppendRequest,
  log: LogCursor,
  recordedAt: string,
): Promise<{ result: AppendResult; rows: EventRow[] }> {
  const parts = partsOf(request);
  // Each payload is canonicalised once: these bytes are hashed, stored and (by default) fingerprinted.
  const dataTexts = parts.map((part) =>
    part.events.map((e) => {
      try {
        return canonicalJson(e.data ?? null);
      } catch {
        throw new InvalidAppendError(`data of event ${e.type} is not JSON-serialisable`);
      }
    }),
  );
  const key = request.idempotencyKey;
  let print: string | undefined;
  if (key !== undefined) {
    // The default fingerprint canonicalises the whole request again: only when the caller gave none.
    print = request.fingerprint ?? fingerprint(request, dataTexts);
    const earlier = tx.findIdempotency(key);
    if (earlier !== undefined) {
      if (earlier.fingerprint !== print) throw new IdempotencyKeyReusedError(key);
      const { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition } = earlier;
      return { result: { streamId, nextVersion, firstGlobalPosition, lastGlobalPosition, replayed: true }, rows: [] };
    }
  }

  // Every stream's version is checked before anything is written, so a conflict on any writes nothing.
  const heads: { version: number; hash: string }[] = [];
  for (const part of parts) {
    const head = tx.streamHead(part.streamId);
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
    tx.saveStreamHead(part.streamId, { version, hash: prevHash });
  });

  tx.appendEvents(rows);
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
    tx.saveIdempotency(key, { fingerprint: print!, streamId, nextVersion, firstGlobalPosition, lastGlobalPosition });
  }
  log.size = size;
  log.frontier = frontier;
  return { result, rows };
}
