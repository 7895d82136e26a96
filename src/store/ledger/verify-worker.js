// @ts-check
/**
 * The worker half of parallel verification (verify-parallel.ts is the main thread's half): checks the
 * order of the events (positions, stream positions, chain links), recomputes every event hash, compares
 * it with the stored one and rebuilds the Merkle log, while the main thread reads the next pages. The
 * main thread also runs hashEvents, the event-hash step, on the pages of which the worker is behind.
 *
 * Plain JavaScript that imports only node: modules, so that it loads in a worker thread whatever runs the
 * main thread's TypeScript (tsx, vitest, or a build): on Node 20 a worker does not inherit tsx's loader.
 * It must decide exactly as verify-ledger.ts's single-threaded scan does, and hash byte for byte as
 * event-hash.ts and merkle.ts do; verify-parallel.test.ts compares the two on random and tampered logs.
 * Problems are described by their numbers and names; verify-checks.ts words them, for both.
 *
 * A page arrives as the UTF-8 bytes of one string the main thread concatenated, for each event, from
 *
 *   ROW_HEAD streamId ROW_MID type ROW_LEN data ROW_LEN actor ROW_LEN recordedAt ROW_SEP prevHash ROW_SEP hash
 *
 * where ROW_HEAD is the hash domain followed by NUL placeholders for prevHash's 32 bytes, u64(globalPosition)
 * and u32(byte length of streamId), ROW_MID holds u64(streamPosition) and u32(length of type), and each
 * ROW_LEN the u32 length of the field after it. Filling the placeholders in place turns each event's first
 * bytes into exactly the input of its event hash (docs/ledger.md), so nothing is copied. Every field sits
 * between ASCII characters, so encoding the page in one piece gives the same bytes as encoding each field
 * alone (no surrogate pair can form across two fields).
 * With the page come the numbers that are not text (META_STRIDE per event): both positions and the
 * UTF-16 lengths of the five text fields. When the page is all ASCII (as many bytes as characters) those
 * lengths are byte lengths; otherwise each field's byte length is found by walking its UTF-8. The main
 * thread sends no page holding a lone surrogate (it verifies such a log single-threaded): every string read
 * back here is then the very string that was stored.
 */
import { Buffer } from 'node:buffer';
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const DOMAIN = 'openbes-event-v1\0';
/** The domain, then placeholders for prevHash (32 bytes), u64(globalPosition) and u32(streamId length). */
export const ROW_HEAD = `${DOMAIN}${'\0'.repeat(32 + 8 + 4)}`;
/** Placeholders for u64(streamPosition) and u32(type length). */
export const ROW_MID = '\0'.repeat(8 + 4);
/** Placeholder for the u32 length of the next field. */
export const ROW_LEN = '\0'.repeat(4);
/** Before each hash (hex), so that it too sits between ASCII characters. */
export const ROW_SEP = '\0';
/**
 * Numbers per event in a page's meta: globalPosition, streamPosition, the UTF-16 lengths of streamId, type,
 * data, actor and recordedAt, and what hashEvents found (HASH_UNCHECKED when it did not run on the page).
 */
export const META_STRIDE = 8;
const META_HASH = 7;
export const HASH_UNCHECKED = 0;
/** The event hash recomputes from the stored columns. */
const HASH_MATCHES = 1;
/** It does not, or event-hash.ts would refuse the columns: the event was altered. */
const HASH_DIFFERS = 2;
/** Marks the workerData of a verification worker (so that importing this module elsewhere starts nothing). */
export const WORKER_MARK = 'openbes-verify-worker';

const HEAD_BYTES = ROW_HEAD.length;
const PREV_AT = DOMAIN.length;
const TWO_32 = 2 ** 32;
const TWO_64 = 2 ** 64;
/** '0' (0x30): the stored hash of "no previous event" (event-hash.ts ZERO_HASH) is 64 of them. */
const ZERO_DIGIT = 0x30;

/** Hex digit values: lower case 0-15, upper case 16 + value (so that upper case shows), anything else -1. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[0x61 + i] = 10 + i;
  HEX[0x41 + i] = 16 + 10 + i;
}
const HEX_LOWER = 0;
const HEX_UPPER = 1;
const HEX_INVALID = 2;

/**
 * Decodes the 64 hex digits at `b[from]` into the 32 bytes at `to[at]`.
 * @param {Uint8Array} b
 * @param {number} from
 * @param {Uint8Array} to
 * @param {number} at
 * @returns {number} HEX_LOWER, HEX_UPPER (valid, some digit in upper case) or HEX_INVALID
 */
function decodeHex(b, from, to, at) {
  let seen = 0;
  for (let i = 0; i < 32; i++) {
    const hi = /** @type {number} */ (HEX[/** @type {number} */ (b[from + 2 * i])]);
    const lo = /** @type {number} */ (HEX[/** @type {number} */ (b[from + 2 * i + 1])]);
    if ((hi | lo) < 0) return HEX_INVALID;
    seen |= hi | lo;
    to[at + i] = ((hi & 15) << 4) | (lo & 15);
  }
  return (seen & 16) === 0 ? HEX_LOWER : HEX_UPPER;
}

/**
 * Bytes taken by `units` UTF-16 code units encoded as UTF-8 from `at` (valid UTF-8 of well-formed text:
 * four bytes for a surrogate pair, which is two units).
 * @param {Uint8Array} b
 * @param {number} at
 * @param {number} units
 */
function utf8Span(b, at, units) {
  let i = at;
  let left = units;
  while (left > 0) {
    const c = /** @type {number} */ (b[i]);
    if (c < 0x80) {
      i += 1;
      left -= 1;
    } else if (c < 0xe0) {
      i += 2;
      left -= 1;
    } else if (c < 0xf0) {
      i += 3;
      left -= 1;
    } else {
      i += 4;
      left -= 2;
    }
  }
  return i - at;
}

/**
 * u64be as event-hash.ts writes it; false where event-hash.ts would throw (not an integer in [0, 2^64)).
 * @param {Uint8Array} b
 * @param {number} n
 * @param {number} at
 */
function putU64(b, n, at) {
  if (!(Number.isInteger(n) && n >= 0 && n < TWO_64)) return false;
  putU32(b, Math.floor(n / TWO_32), at);
  putU32(b, n % TWO_32, at + 4);
  return true;
}

/**
 * u32be of an integer in [0, 2^32) (as writeUInt32BE, without its checks and call).
 * @param {Uint8Array} b
 * @param {number} n
 * @param {number} at
 */
function putU32(b, n, at) {
  b[at] = n >>> 24;
  b[at + 1] = n >>> 16;
  b[at + 2] = n >>> 8;
  b[at + 3] = n;
}

/** Byte offsets of one event's parts in a page (see above), as `layout` finds them. */
const STREAM_AT = 0; // streamId; its u32 length is the 4 bytes before
const MID_AT = 1; // u64(streamPosition), then u32(type length)
const TYPE_AT = 2;
const DATA_LEN_AT = 3; // u32(data length), then data
const ACTOR_LEN_AT = 4;
const TIME_LEN_AT = 5;
const END = 6; // end of the event hash's input; ROW_SEP follows
const PREV_HASH_AT = 7;
const HASH_AT = 8;
const NEXT = 9; // the next event
const B_STREAM = 10; // byte lengths
const B_TYPE = 11;
const B_DATA = 12;
const B_ACTOR = 13;
const B_TIME = 14;
const B_PREV_HASH = 15;
const B_HASH = 16;

/**
 * Finds the parts of the event at `off` whose meta starts at `m`.
 * @param {Uint8Array} b
 * @param {Float64Array} meta
 * @param {number} m
 * @param {number} off
 * @param {boolean} ascii
 * @param {Int32Array} at Receives the offsets (the indices above).
 */
function layout(b, meta, m, off, ascii, at) {
  // Byte lengths: the UTF-16 lengths when the page is ASCII; otherwise found by walking the UTF-8.
  const streamAt = off + HEAD_BYTES;
  const uStream = /** @type {number} */ (meta[m + 2]);
  const bStream = ascii ? uStream : utf8Span(b, streamAt, uStream);
  const typeAt = streamAt + bStream + 12;
  const uType = /** @type {number} */ (meta[m + 3]);
  const bType = ascii ? uType : utf8Span(b, typeAt, uType);
  const dataLenAt = typeAt + bType;
  const uData = /** @type {number} */ (meta[m + 4]);
  const bData = ascii ? uData : utf8Span(b, dataLenAt + 4, uData);
  const actorLenAt = dataLenAt + 4 + bData;
  const uActor = /** @type {number} */ (meta[m + 5]);
  const bActor = ascii ? uActor : utf8Span(b, actorLenAt + 4, uActor);
  const timeLenAt = actorLenAt + 4 + bActor;
  const uTime = /** @type {number} */ (meta[m + 6]);
  const bTime = ascii ? uTime : utf8Span(b, timeLenAt + 4, uTime);
  const end = timeLenAt + 4 + bTime;
  const bPrev = ascii ? 64 : utf8Span(b, end + 1, 64);
  const hashAt = end + 1 + bPrev + 1;
  const bHash = ascii ? 64 : utf8Span(b, hashAt, 64);
  at[STREAM_AT] = streamAt;
  at[MID_AT] = streamAt + bStream;
  at[TYPE_AT] = typeAt;
  at[DATA_LEN_AT] = dataLenAt;
  at[ACTOR_LEN_AT] = actorLenAt;
  at[TIME_LEN_AT] = timeLenAt;
  at[END] = end;
  at[PREV_HASH_AT] = end + 1;
  at[HASH_AT] = hashAt;
  at[NEXT] = hashAt + bHash;
  at[B_STREAM] = bStream;
  at[B_TYPE] = bType;
  at[B_DATA] = bData;
  at[B_ACTOR] = bActor;
  at[B_TIME] = bTime;
  at[B_PREV_HASH] = bPrev;
  at[B_HASH] = bHash;
}

/**
 * Recomputes the hash of the event at `off` as event-hash.ts does, filling the placeholders of its input in
 * place, and compares it with the stored one (`stored`: its 32 bytes from `storedAt`, `storedCase` what
 * decodeHex said of its digits). event-hash.ts refuses a prevHash that is not 64 lower-case hex digits and
 * positions that are not u64: the event then counts as altered; so does a stored hash in upper case.
 * @param {Uint8Array} b
 * @param {ArrayBuffer} text b's buffer
 * @param {Float64Array} meta
 * @param {number} m
 * @param {number} off
 * @param {Int32Array} at
 * @param {Uint8Array} stored
 * @param {number} storedAt
 * @param {number} storedCase
 * @returns {number} HASH_MATCHES or HASH_DIFFERS
 */
function checkEventHash(b, text, meta, m, off, at, stored, storedAt, storedCase) {
  if (storedCase !== HEX_LOWER || at[B_PREV_HASH] !== 64) return HASH_DIFFERS;
  if (decodeHex(b, /** @type {number} */ (at[PREV_HASH_AT]), b, off + PREV_AT) !== HEX_LOWER) return HASH_DIFFERS;
  if (!putU64(b, /** @type {number} */ (meta[m]), off + PREV_AT + 32)) return HASH_DIFFERS;
  if (!putU64(b, /** @type {number} */ (meta[m + 1]), /** @type {number} */ (at[MID_AT]))) return HASH_DIFFERS;
  putU32(b, /** @type {number} */ (at[B_STREAM]), /** @type {number} */ (at[STREAM_AT]) - 4);
  putU32(b, /** @type {number} */ (at[B_TYPE]), /** @type {number} */ (at[TYPE_AT]) - 4);
  putU32(b, /** @type {number} */ (at[B_DATA]), /** @type {number} */ (at[DATA_LEN_AT]));
  putU32(b, /** @type {number} */ (at[B_ACTOR]), /** @type {number} */ (at[ACTOR_LEN_AT]));
  putU32(b, /** @type {number} */ (at[B_TIME]), /** @type {number} */ (at[TIME_LEN_AT]));
  const digest = hash('sha256', new Uint8Array(text, off, /** @type {number} */ (at[END]) - off), 'binary');
  for (let i = 0; i < 32; i++) if (digest.charCodeAt(i) !== stored[storedAt + i]) return HASH_DIFFERS;
  return HASH_MATCHES;
}

/**
 * Recomputes the event hashes of a whole page and notes the outcome in its meta, so that the worker need
 * not: the main thread does this for a page when the worker has fallen behind. Events whose stored hash
 * is not hex are left unchecked (the worker finds them and gives the page up).
 * @param {Page} page
 */
export function hashEvents(page) {
  const b = Buffer.from(page.text, 0, page.bytes);
  const meta = new Float64Array(page.meta);
  const at = new Int32Array(17);
  const stored = new Uint8Array(32);
  let off = 0;
  for (let k = 0; k < page.count; k++) {
    const m = k * META_STRIDE;
    layout(b, meta, m, off, page.ascii, at);
    const storedCase = at[B_HASH] === 64 ? decodeHex(b, /** @type {number} */ (at[HASH_AT]), stored, 0) : HEX_INVALID;
    if (storedCase !== HEX_INVALID) meta[m + META_HASH] = checkEventHash(b, page.text, meta, m, off, at, stored, 0, storedCase);
    off = /** @type {number} */ (at[NEXT]);
  }
}

/**
 * @typedef {object} Page
 * @property {number} first Ordinal (0-based, in reading order) of the page's first event.
 * @property {number} count Events in the page.
 * @property {ArrayBuffer} text The page's UTF-8 bytes (see above), from offset 0.
 * @property {number} bytes How many bytes of `text` hold the page.
 * @property {boolean} ascii Whether the page is all ASCII (as many bytes as UTF-16 units).
 * @property {ArrayBuffer} meta A Float64Array's buffer: META_STRIDE numbers per event.
 */

/**
 * A problem with one event, described for verify-checks.ts to word (in the order the single-threaded scan
 * reports them: for each event its position gap, then its stream position or chain link, then alteration).
 * @typedef {{ ordinal: number, at: number } & (
 *   | { kind: 'gap', expected: number }
 *   | { kind: 'stream', streamId: string, streamPosition: number, expected: number }
 *   | { kind: 'chain', streamId: string }
 *   | { kind: 'altered', type: string, streamId: string })} EventProblem
 */

/**
 * @typedef {object} PageOutcome
 * @property {EventProblem[]} problems The page's problems, as long as fewer than the `limit` given were found.
 * @property {boolean} malformed A stored hash is not 64 hex digits: merkle.ts would throw there, so the
 *   caller verifies single-threaded instead (and gets the same error). Nothing after it was processed.
 */

/** Checks the order of, and recomputes the hashes and the Merkle log over, consecutive pages. */
export class PageVerifier {
  /** Subtree roots of the Merkle frontier, largest first, as binary strings (one char per byte). */
  #stack = /** @type {string[]} */ ([]);
  #count = 0;
  #sizes;
  #nextSize = 0;
  /** Roots (hex) at the checkpoint sizes reached, in the order of `sizes`. */
  roots = /** @type {string[]} */ ([]);
  #nodeInput = Buffer.alloc(65, 1);
  /** 0x00 ‖ the stored event hash: the input of its leaf. */
  #leafInput = Buffer.alloc(33, 0);
  /** The current event's layout. */
  #at = new Int32Array(17);
  /** The global position the next event must have. */
  #expected = 1;
  /** Stream id → index into the two arrays below. */
  #streams = /** @type {Map<string, number>} */ (new Map());
  /** Each stream's last position. */
  #versions = new Float64Array(1024);
  /** Each stream's last stored hash, as stored: 64 bytes of hex text. */
  #heads = new Uint8Array(1024 * 64);
  /** Problems still worth describing: the report keeps only the first few. */
  #limit;

  /**
   * @param {readonly number[]} sizes Checkpoint sizes in the order verify-ledger.ts holds them against the
   *   log: the root is taken whenever the next one equals the number of events so far (as there).
   * @param {number} limit Problems to describe at most.
   */
  constructor(sizes, limit) {
    this.#sizes = sizes;
    this.#limit = limit;
  }

  get count() {
    return this.#count;
  }

  get streams() {
    return this.#streams.size;
  }

  /**
   * @param {Page} page
   * @returns {PageOutcome}
   */
  processPage(page) {
    const b = Buffer.from(page.text, 0, page.bytes);
    const meta = new Float64Array(page.meta);
    const ascii = page.ascii;
    const leafInput = this.#leafInput;
    const at = this.#at;
    /** @type {EventProblem[]} */
    const problems = [];
    let off = 0;
    for (let k = 0; k < page.count; k++) {
      const m = k * META_STRIDE;
      const ordinal = page.first + k;
      const globalPosition = /** @type {number} */ (meta[m]);
      const streamPosition = /** @type {number} */ (meta[m + 1]);
      layout(b, meta, m, off, ascii, at);
      const streamAt = /** @type {number} */ (at[STREAM_AT]);
      const prevAt = /** @type {number} */ (at[PREV_HASH_AT]);
      const hashAt = /** @type {number} */ (at[HASH_AT]);

      // The stored hash, decoded behind 0x00: the input of its leaf. merkle.ts throws for one not in hex.
      const stored = at[B_HASH] === 64 ? decodeHex(b, hashAt, leafInput, 1) : HEX_INVALID;
      if (stored === HEX_INVALID) return { problems, malformed: true };

      // The order, as verify-checks.ts OrderCheck checks it.
      const mid = /** @type {number} */ (at[MID_AT]);
      const streamId = ascii ? b.toString('latin1', streamAt, mid) : b.toString('utf8', streamAt, mid);
      if (globalPosition !== this.#expected && problems.length < this.#limit) {
        problems.push({ ordinal, at: globalPosition, kind: 'gap', expected: this.#expected });
      }
      this.#expected = globalPosition + 1;
      let s = this.#streams.get(streamId);
      if (s === undefined) s = this.#newStream(streamId);
      const version = /** @type {number} */ (this.#versions[s]);
      const heads = this.#heads;
      if (streamPosition !== version + 1) {
        if (problems.length < this.#limit) {
          problems.push({ ordinal, at: globalPosition, kind: 'stream', streamId, streamPosition, expected: version + 1 });
        }
      } else if (!(at[B_PREV_HASH] === 64 && equalBytes(b, prevAt, heads, s * 64, 64)) && problems.length < this.#limit) {
        problems.push({ ordinal, at: globalPosition, kind: 'chain', streamId });
      }
      this.#versions[s] = streamPosition;
      for (let i = 0; i < 64; i++) heads[s * 64 + i] = /** @type {number} */ (b[hashAt + i]);

      const outcome = meta[m + META_HASH] || checkEventHash(b, page.text, meta, m, off, at, leafInput, 1, stored);
      if (outcome !== HASH_MATCHES && problems.length < this.#limit) {
        const typeAt = /** @type {number} */ (at[TYPE_AT]);
        const typeEnd = /** @type {number} */ (at[DATA_LEN_AT]);
        const type = ascii ? b.toString('latin1', typeAt, typeEnd) : b.toString('utf8', typeAt, typeEnd);
        problems.push({ ordinal, at: globalPosition, kind: 'altered', type, streamId });
      }

      this.#push(hash('sha256', leafInput, 'binary'));
      off = /** @type {number} */ (at[NEXT]);
    }
    this.#limit -= problems.length;
    return { problems, malformed: false };
  }

  /** Root of the whole log so far, hex. */
  rootHex() {
    const stack = this.#stack;
    let acc = stack.at(-1);
    if (acc === undefined) return hash('sha256', '', 'hex');
    for (let i = stack.length - 2; i >= 0; i--) acc = this.#node(/** @type {string} */ (stack[i]), acc);
    return Buffer.from(acc, 'latin1').toString('hex');
  }

  /** @param {string} streamId */
  #newStream(streamId) {
    const s = this.#streams.size;
    if (s === this.#versions.length) {
      const versions = new Float64Array(2 * s);
      versions.set(this.#versions);
      this.#versions = versions;
      const heads = new Uint8Array(2 * s * 64);
      heads.set(this.#heads);
      this.#heads = heads;
    }
    this.#streams.set(streamId, s);
    this.#versions[s] = 0;
    this.#heads.fill(ZERO_DIGIT, s * 64, s * 64 + 64);
    return s;
  }

  /** @param {string} leaf */
  #push(leaf) {
    let acc = leaf;
    const stack = this.#stack;
    for (let s = this.#count; s % 2 === 1; s = (s - 1) / 2) acc = this.#node(/** @type {string} */ (stack.pop()), acc);
    stack.push(acc);
    this.#count++;
    const sizes = this.#sizes;
    while (this.#nextSize < sizes.length && sizes[this.#nextSize] === this.#count) {
      this.roots.push(this.rootHex());
      this.#nextSize++;
    }
  }

  /**
   * SHA-256(0x01 ‖ left ‖ right) over binary strings.
   * @param {string} left
   * @param {string} right
   */
  #node(left, right) {
    const input = this.#nodeInput;
    input.write(left, 1, 32, 'latin1');
    input.write(right, 33, 32, 'latin1');
    return hash('sha256', input, 'binary');
  }
}

/**
 * @param {Uint8Array} a
 * @param {number} at
 * @param {Uint8Array} b
 * @param {number} bt
 * @param {number} n
 */
function equalBytes(a, at, b, bt, n) {
  for (let i = 0; i < n; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}

/**
 * @typedef {{ kind: 'start', sizes: number[], limit: number, done: Int32Array }
 *   | ({ kind: 'page' } & Page)
 *   | { kind: 'finish' }} ToWorker
 * @typedef {{ kind: 'page', text: ArrayBuffer, meta: ArrayBuffer } & PageOutcome
 *   | { kind: 'done', count: number, streams: number, rootHash: string, roots: string[] }} FromWorker
 */

function serve() {
  const port = parentPort;
  if (port === null) return;
  /** @type {PageVerifier | undefined} */
  let verifier;
  /** Pages processed so far, shared with the main thread: it helps with hashing when this falls behind. */
  let done = /** @type {Int32Array} */ (new Int32Array(1));
  port.on('message', (/** @type {ToWorker} */ message) => {
    if (message.kind === 'start') {
      verifier = new PageVerifier(message.sizes, message.limit);
      done = message.done;
    } else if (message.kind === 'page') {
      if (verifier === undefined) throw new Error('page before start');
      /** @type {FromWorker} */
      const reply = { kind: 'page', text: message.text, meta: message.meta, ...verifier.processPage(message) };
      Atomics.add(done, 0, 1);
      port.postMessage(reply, [message.text, message.meta]);
    } else {
      if (verifier === undefined) throw new Error('finish before start');
      /** @type {FromWorker} */
      const done = { kind: 'done', count: verifier.count, streams: verifier.streams, rootHash: verifier.rootHex(), roots: verifier.roots };
      port.postMessage(done);
    }
  });
}

if (workerData === WORKER_MARK) serve();
