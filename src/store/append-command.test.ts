/**
 * The default fingerprint is written by hand for speed; it must stay byte for byte what it always was, the
 * SHA-256 of the canonical JSON (the canonicalize package) of the request's shape, or retries of requests
 * recorded before would be refused as reused keys.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppendRequest, ExpectedVersion } from './event-store.ts';
import { fingerprint, validateAppend } from './append-command.ts';
import { canonicalJson } from './ledger/event-hash.ts';
import { InvalidAppendError } from './errors.ts';

/** The definition: what fingerprint() computed before it was written by hand. */
function reference(request: AppendRequest, dataTexts: readonly (readonly string[])[]): string {
  const parts = [{ streamId: request.streamId, events: request.events, expectedVersion: request.expectedVersion }, ...(request.also ?? [])];
  const shape = {
    actor: request.actor,
    streams: parts.map((part, p) => ({
      streamId: part.streamId,
      expectedVersion: part.expectedVersion,
      events: part.events.map((e, i) => [e.type, dataTexts[p]![i]]),
    })),
  };
  return createHash('sha256').update(canonicalJson(shape)).digest('hex');
}

// Any text, with the characters JSON escapes (quotes, backslashes, control characters) well represented.
const text = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', 'é', '😀', 'a', '/'), minLength: 1, maxLength: 8 }),
);
const expectedVersion: fc.Arbitrary<ExpectedVersion> = fc.oneof(fc.constantFrom('any' as const, 'no_stream' as const), fc.nat(), fc.maxSafeNat());
const part = fc.record({
  streamId: text,
  expectedVersion,
  events: fc.array(fc.record({ type: text, data: fc.jsonValue({ maxDepth: 3 }) }), { minLength: 1, maxLength: 3 }),
});
const request = fc
  .record({ actor: text, main: part, also: fc.array(part, { maxLength: 2 }), idempotencyKey: text })
  .map(({ actor, main, also, idempotencyKey }): AppendRequest => ({ ...main, actor, idempotencyKey, ...(also.length > 0 ? { also } : {}) }));

const dataTextsOf = (r: AppendRequest) =>
  [{ events: r.events }, ...(r.also ?? [])].map((p) => p.events.map((e) => canonicalJson(e.data ?? null)));

describe('default idempotency fingerprint', () => {
  it('is the SHA-256 of the canonical JSON of the request, as before', () => {
    fc.assert(
      fc.property(request, (r) => {
        const dataTexts = dataTextsOf(r);
        expect(fingerprint(r, dataTexts)).toBe(reference(r, dataTexts));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a lone surrogate as canonical JSON does', () => {
    const r: AppendRequest = { streamId: 's', events: [{ type: 'E', data: 1 }], expectedVersion: 'any', actor: 'u\ud800' };
    expect(() => reference(r, [['1']])).toThrow('Lone surrogate is not allowed');
    expect(() => fingerprint(r, [['1']])).toThrow('Lone surrogate is not allowed');
  });
});

describe('validateAppend', () => {
  it('refuses names no engine stores unchanged: U+0000 and lone surrogates', () => {
    const ok: AppendRequest = { streamId: 's', events: [{ type: 'E', data: 1 }], expectedVersion: 'any', actor: 'u', idempotencyKey: 'k', fingerprint: 'f' };
    expect(() => validateAppend(ok)).not.toThrow();
    for (const bad of [
      { ...ok, streamId: 'a\u0000b' },
      { ...ok, streamId: 'a\udc00' },
      { ...ok, actor: '\ud800' },
      { ...ok, events: [{ type: 'E\u0000', data: 1 }] },
      { ...ok, idempotencyKey: 'k\ud800x' },
      { ...ok, idempotencyKey: 7 as unknown as string },
      { ...ok, fingerprint: 'f\u0000' },
      { ...ok, also: [{ streamId: 'b\u0000', events: [{ type: 'E', data: 1 }], expectedVersion: 'any' as const }] },
    ]) {
      expect(() => validateAppend(bad)).toThrow(InvalidAppendError);
    }
    expect(() => validateAppend({ ...ok, streamId: 'emoji 😀 and é' })).not.toThrow();
  });
});
