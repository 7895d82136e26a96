/**
 * The canonical encoding of an event and its chain hash. This is an open format (docs/ledger-format.md):
 * an auditor can recompute every hash from the stored columns alone.
 *
 *   hash = SHA-256( "openbes-event-v1" 0x00 || prevHash(32 bytes) || u64be(globalPosition) || field(streamId)
 *                   || u64be(streamPosition) || field(type) || field(data) || field(actor) || field(recordedAt) )
 *   field(s) = u32be(byteLength(utf8(s))) || utf8(s)
 *
 * Length prefixes make the encoding unambiguous; `data` is canonical JSON (RFC 8785), so the same
 * payload always gives the same bytes. The global position is hashed too, so a reordered or renumbered
 * log is caught at the exact first event that moved, not only at the next checkpoint.
 */
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const ZERO_HASH = '0'.repeat(64);
const DOMAIN = Buffer.from('openbes-event-v1\0', 'utf8');

export interface HashedFields {
  readonly prevHash: string;
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly data: string;
  readonly actor: string;
  readonly recordedAt: string;
}

/** Canonical JSON (RFC 8785) of a payload; refuses values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('event data must be JSON-serialisable');
  return text;
}

/** Domain, prevHash, two u64 and five u32 length prefixes. */
const FIXED_BYTES = DOMAIN.length + 32 + 8 + 8 + 5 * 4;
/** Larger encodings get a buffer of their own rather than growing the shared one without bound. */
const MAX_SCRATCH = 1 << 20;
const TWO_32 = 2 ** 32;
const TWO_64 = 2 ** 64;
/** One buffer for every encoding: eventHash is synchronous, so no two calls ever share it. */
let scratch = newBuffer(4096);

/** Hex SHA-256 chain hash of one event. */
export function eventHash(e: HashedFields): string {
  // Verification runs this for every event of the log, so it encodes into the reused buffer and hashes it in
  // one call (crypto.hash with a hex result is several times cheaper than createHash for ~400 bytes).
  const { prevHash, streamId, type, data, actor, recordedAt } = e;
  // UTF-8 takes at most 3 bytes per UTF-16 code unit, so this bounds the encoding.
  const bound = FIXED_BYTES + 3 * (streamId.length + type.length + data.length + actor.length + recordedAt.length);
  const buf = bound <= scratch.length ? scratch : bufferFor(bound);
  let at = DOMAIN.length;
  // The same rule as /^[0-9a-f]{64}$/: 32 bytes of valid hex pairs, none of them in upper case.
  if (typeof prevHash !== 'string' || prevHash.length !== 64 || buf.write(prevHash, at, 32, 'hex') !== 32 || prevHash.toLowerCase() !== prevHash) {
    throw new TypeError('prevHash must be 64 lowercase hex characters');
  }
  at += 32;
  at = putU64(buf, e.globalPosition, at);
  at = putText(buf, streamId, at);
  at = putU64(buf, e.streamPosition, at);
  at = putText(buf, type, at);
  at = putText(buf, data, at);
  at = putText(buf, actor, at);
  at = putText(buf, recordedAt, at);
  return hash('sha256', buf.subarray(0, at), 'hex');
}

function newBuffer(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  DOMAIN.copy(buf, 0);
  return buf;
}

function bufferFor(bound: number): Buffer {
  // Not finite: a field without a length, i.e. not a string.
  if (!Number.isFinite(bound)) throw new TypeError('event fields must be strings');
  if (bound > MAX_SCRATCH) return newBuffer(bound);
  scratch = newBuffer(Math.max(bound, scratch.length * 2));
  return scratch;
}

/** u64be without a BigInt for the integers positions are; anything else exactly as writeBigUInt64BE(BigInt(n)). */
function putU64(buf: Buffer, n: number, at: number): number {
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < TWO_64) {
    buf.writeUInt32BE(Math.floor(n / TWO_32), at);
    buf.writeUInt32BE(n % TWO_32, at + 4);
    return at + 8;
  }
  return buf.writeBigUInt64BE(BigInt(n), at);
}

/** field(s) = u32be(byteLength(utf8(s))) || utf8(s); the caller made room for it (a non-string throws here). */
function putText(buf: Buffer, text: string, at: number): number {
  const length = buf.write(text, at + 4, 'utf8');
  buf.writeUInt32BE(length, at);
  return at + 4 + length;
}
