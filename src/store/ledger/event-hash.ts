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
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const ZERO_HASH = '0'.repeat(64);
const DOMAIN = Buffer.from('openbes-event-v1\0', 'utf8');
const HEX64 = /^[0-9a-f]{64}$/;

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

/** Hex SHA-256 chain hash of one event. */
export function eventHash(e: HashedFields): string {
  // One buffer and one hash call: verification runs this for every event of the log.
  const texts = [e.streamId, e.type, e.data, e.actor, e.recordedAt];
  const lengths = texts.map((t) => Buffer.byteLength(t, 'utf8'));
  const size = DOMAIN.length + 32 + 8 + 8 + lengths.reduce((a, n) => a + 4 + n, 0);
  const buf = Buffer.allocUnsafe(size);
  let at = DOMAIN.copy(buf, 0);
  if (!HEX64.test(e.prevHash)) throw new TypeError('prevHash must be 64 lowercase hex characters');
  at += buf.write(e.prevHash, at, 32, 'hex');
  at = buf.writeBigUInt64BE(BigInt(e.globalPosition), at);
  const putText = (i: number) => {
    at = buf.writeUInt32BE(lengths[i]!, at);
    at += buf.write(texts[i]!, at, 'utf8');
  };
  putText(0);
  at = buf.writeBigUInt64BE(BigInt(e.streamPosition), at);
  for (let i = 1; i < texts.length; i++) putText(i);
  return createHash('sha256').update(buf).digest('hex');
}
