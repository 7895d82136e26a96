// @ts-check
/**
 * The worker half of parallel verification (verify-parallel.ts is the main thread's half): checks the
 * order of the events (positions, stream positions, chain links), recomputes every event hash, compares
 * it with the stored one and rebuilds the Merkle log, while the main thread reads the next pages.
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
/** Numbers per event in a page's meta: globalPosition, streamPosition, then the UTF-16 lengths of streamId, type, data, actor, recordedAt. */
export const META_STRIDE = 7;
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
    /** @type {EventProblem[]} */
    const problems = [];
    let off = 0;
    for (let k = 0; k < page.count; k++) {
      const m = k * META_STRIDE;
      const at = /** @type {number} */ (meta[m]);
      const streamPosition = /** @type {number} */ (meta[m + 1]);
      const streamAt = off + HEAD_BYTES;
      const bStream = ascii ? /** @type {number} */ (meta[m + 2]) : utf8Span(b, streamAt, /** @type {number} */ (meta[m + 2]));
      const midAt = streamAt + bStream;
      const typeAt = midAt + 12;
      const bType = ascii ? /** @type {number} */ (meta[m + 3]) : utf8Span(b, typeAt, /** @type {number} */ (meta[m + 3]));
      const dataLenAt = typeAt + bType;
      const bData = ascii ? /** @type {number} */ (meta[m + 4]) : utf8Span(b, dataLenAt + 4, /** @type {number} */ (meta[m + 4]));
      const actorLenAt = dataLenAt + 4 + bData;
      const bActor = ascii ? /** @type {number} */ (meta[m + 5]) : utf8Span(b, actorLenAt + 4, /** @type {number} */ (meta[m + 5]));
      const timeLenAt = actorLenAt + 4 + bActor;
      const bTime = ascii ? /** @type {number} */ (meta[m + 6]) : utf8Span(b, timeLenAt + 4, /** @type {number} */ (meta[m + 6]));
      const end = timeLenAt + 4 + bTime; // end of the event hash's input; ROW_SEP follows
      const prevAt = end + 1;
      const bPrev = ascii ? 64 : utf8Span(b, prevAt, 64);
      const hashAt = prevAt + bPrev + 1;
      const bHash = ascii ? 64 : utf8Span(b, hashAt, 64);

      // The stored hash, decoded behind 0x00: the input of its leaf. merkle.ts throws for one not in hex.
      const stored = bHash === 64 ? decodeHex(b, hashAt, leafInput, 1) : HEX_INVALID;
      if (stored === HEX_INVALID) return { problems, malformed: true };

      // The order, as verify-checks.ts OrderCheck checks it.
      const streamId = ascii ? b.toString('latin1', streamAt, midAt) : b.toString('utf8', streamAt, midAt);
      if (at !== this.#expected && problems.length < this.#limit) {
        problems.push({ ordinal: page.first + k, at, kind: 'gap', expected: this.#expected });
      }
      this.#expected = at + 1;
      let s = this.#streams.get(streamId);
      if (s === undefined) s = this.#newStream(streamId);
      const version = /** @type {number} */ (this.#versions[s]);
      const heads = this.#heads;
      if (streamPosition !== version + 1) {
        if (problems.length < this.#limit) {
          problems.push({ ordinal: page.first + k, at, kind: 'stream', streamId, streamPosition, expected: version + 1 });
        }
      } else if (!(bPrev === 64 && equalBytes(b, prevAt, heads, s * 64, 64)) && problems.length < this.#limit) {
        problems.push({ ordinal: page.first + k, at, kind: 'chain', streamId });
      }
      this.#versions[s] = streamPosition;
      for (let i = 0; i < 64; i++) heads[s * 64 + i] = /** @type {number} */ (b[hashAt + i]);

      // The hash, as event-hash.ts computes it: it refuses a prevHash that is not 64 lower-case hex digits,
      // and positions that are not u64 (the event then counts as altered).
      let ok = stored === HEX_LOWER && bPrev === 64 && decodeHex(b, prevAt, b, off + PREV_AT) === HEX_LOWER;
      ok = putU64(b, at, off + PREV_AT + 32) && ok;
      ok = putU64(b, streamPosition, midAt) && ok;
      if (ok) {
        putU32(b, bStream, streamAt - 4);
        putU32(b, bType, typeAt - 4);
        putU32(b, bData, dataLenAt);
        putU32(b, bActor, actorLenAt);
        putU32(b, bTime, timeLenAt);
        const digest = hash('sha256', new Uint8Array(page.text, off, end - off), 'binary');
        for (let i = 0; i < 32; i++) {
          if (digest.charCodeAt(i) !== leafInput[1 + i]) {
            ok = false;
            break;
          }
        }
      }
      if (!ok && problems.length < this.#limit) {
        const type = ascii ? b.toString('latin1', typeAt, dataLenAt) : b.toString('utf8', typeAt, dataLenAt);
        problems.push({ ordinal: page.first + k, at, kind: 'altered', type, streamId });
      }

      this.#push(hash('sha256', leafInput, 'binary'));
      off = hashAt + bHash;
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
 * @typedef {{ kind: 'start', sizes: number[], limit: number }
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
  port.on('message', (/** @type {ToWorker} */ message) => {
    if (message.kind === 'start') {
      verifier = new PageVerifier(message.sizes, message.limit);
    } else if (message.kind === 'page') {
      if (verifier === undefined) throw new Error('page before start');
      /** @type {FromWorker} */
      const reply = { kind: 'page', text: message.text, meta: message.meta, ...verifier.processPage(message) };
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
