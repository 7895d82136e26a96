/**
 * Verification on two threads: this (main) thread reads the log page by page, and a worker thread
 * (verify-worker.js) does the checking: positions, stream positions and chain links, each event hash
 * recomputed, and the Merkle log rebuilt. Reading a row costs about as much as all its checks, so when the
 * worker falls behind this thread recomputes the event hashes of the next page itself (hashEvents, the same
 * code the worker runs), and each thread ends up with about half of the work.
 *
 * Each page goes to the worker as one transferred buffer: the UTF-8 of one string concatenated from the
 * events' columns, laid out so that the worker fills a few placeholders in place and hashes without copying
 * (see verify-worker.js), and the positions and field lengths in a Float64Array. The buffers come back
 * with each page's outcome and are used again; at most MAX_IN_FLIGHT pages are in flight.
 *
 * This returns the raw findings (each event's problems with its ordinal, the roots at the checkpoint
 * sizes); verify-ledger.ts merges them into exactly the report its single-threaded scan makes. It returns
 * undefined, and the caller verifies single-threaded, wherever the two could differ: a column that is not of
 * its type or a hash not 64 characters long, text holding a lone surrogate (which UTF-8 cannot carry back),
 * a stored hash that is not hex (verification then fails with the error merkle.ts throws), or a worker that
 * fails.
 */
import { Buffer } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import type { Backend, EventRow } from '../backend.ts';
import { HASH_UNCHECKED, META_STRIDE, ROW_HEAD, ROW_LEN, ROW_MID, ROW_SEP, WORKER_MARK, hashEvents } from './verify-worker.js';
import type { EventProblem, FromWorker, Page, ToWorker } from './verify-worker.js';

/** Pages handed to the worker and not yet back: enough to keep both threads busy, few enough to stay small. */
const MAX_IN_FLIGHT = 4;
/**
 * When the worker has at least this many pages waiting, this thread recomputes the event hashes of the next
 * page itself (the costliest check, a third of the worker's work), so that neither thread waits for the
 * other: reading is about as costly as all the checks, and the share each thread can take varies with the
 * events and with whatever else runs on the machine.
 */
const HELP_WHEN_WAITING = 2;

/**
 * A page's text is written in pieces of about this many UTF-16 units: V8 flattens a concatenated string
 * before encoding it, and flattening one of megabytes (a large-object allocation, copied out of cache)
 * costs twice as much as the pieces (0.4 against 0.2 µs per event, measured on Node 20).
 */
const CHUNK_CHARS = 48 * 1024;

export interface ParallelScanInput {
  readonly backend: Backend;
  readonly pageSize: number;
  /** Checkpoint sizes in the order the checkpoints are held against the log. */
  readonly sizes: readonly number[];
  /** Problems worth describing: the report keeps only the first ones. */
  readonly maxProblems: number;
}

export interface ParallelScan {
  readonly events: number;
  readonly streams: number;
  readonly rootHash: string;
  /** The first problems with events, in the order the single-threaded scan finds them. */
  readonly problems: readonly EventProblem[];
  /** Roots (hex) at the checkpoint sizes reached, in the order of `sizes`. */
  readonly roots: readonly string[];
}

/** Thrown inside the scan when the single-threaded path must decide; the scan then returns undefined. */
export class FallBack extends Error {}

const isWellFormed = (text: string): boolean => {
  const method = (text as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof method === 'function' && method.call(text);
};

/** Appends UTF-8 to a page's buffer, growing it as needed, and notes what the worker must know of it. */
class PageWriter {
  buffer: ArrayBuffer;
  private view: Buffer;
  bytes = 0;
  private units = 0;

  constructor(buffer: ArrayBuffer) {
    this.buffer = buffer;
    this.view = Buffer.from(buffer);
  }

  /** Whether all text was ASCII: then every field has as many bytes as UTF-16 units. */
  get ascii(): boolean {
    return this.bytes === this.units;
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so with this room nothing is ever cut short.
    const room = this.bytes + 3 * text.length;
    if (room > this.buffer.byteLength) {
      const grown = new ArrayBuffer(Math.max(room, Math.ceil(this.buffer.byteLength * 1.5)));
      new Uint8Array(grown).set(new Uint8Array(this.buffer, 0, this.bytes));
      this.buffer = grown;
      this.view = Buffer.from(grown);
    }
    const written = this.view.write(text, this.bytes, 'utf8');
    // A lone surrogate was written as U+FFFD: the worker would read back another string.
    if (written !== text.length && !isWellFormed(text)) throw new FallBack('a lone surrogate');
    this.bytes += written;
    this.units += text.length;
  }
}

/** One verification worker thread, started before it is needed so that its start-up overlaps other work. */
export class VerifyWorker {
  private readonly worker: Worker;
  private readonly inbox: FromWorker[] = [];
  private wake: (() => void) | undefined;
  private failure: unknown;
  private readonly freeText: ArrayBuffer[] = [];
  private readonly freeMeta: ArrayBuffer[] = [];

  private constructor(worker: Worker) {
    this.worker = worker;
    const wake = () => {
      const w = this.wake;
      this.wake = undefined;
      w?.();
    };
    worker.on('message', (message: FromWorker) => {
      this.inbox.push(message);
      wake();
    });
    worker.on('error', (error) => {
      this.failure ??= error;
      wake();
    });
    worker.on('exit', (code) => {
      this.failure ??= new Error(`the verification worker exited with code ${code}`);
      wake();
    });
  }

  /** Undefined where worker threads cannot be started. */
  static start(): VerifyWorker | undefined {
    try {
      // No execArgv: the worker is plain JavaScript and needs none of the loaders the main thread may use.
      return new VerifyWorker(new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: WORKER_MARK, execArgv: [] }));
    } catch {
      return undefined;
    }
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private async receive(): Promise<FromWorker> {
    while (this.inbox.length === 0) {
      if (this.failure !== undefined) throw new FallBack('the verification worker failed', { cause: this.failure });
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.inbox.shift()!;
  }

  /** Reads and checks the whole log; undefined when the caller must verify single-threaded. */
  async scan(input: ParallelScanInput): Promise<ParallelScan | undefined> {
    try {
      return await this.run(input);
    } catch (error) {
      if (error instanceof FallBack) return undefined;
      throw error;
    }
  }

  private async run({ backend, pageSize, sizes, maxProblems }: ParallelScanInput): Promise<ParallelScan> {
    const problems: EventProblem[] = [];
    let inFlight = 0;
    const settle = async () => {
      const reply = await this.receive();
      if (reply.kind !== 'page') throw new FallBack('unexpected reply from the verification worker');
      inFlight--;
      if (reply.malformed) throw new FallBack('a stored hash is not hex');
      problems.push(...reply.problems);
      this.freeText.push(reply.text);
      this.freeMeta.push(reply.meta);
    };

    const done = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    this.post({ kind: 'start', sizes: [...sizes], limit: maxProblems, done });
    let posted = 0;
    let events = 0;
    let reading: Promise<EventRow[]> | undefined = backend.readAll(0, pageSize);
    while (reading !== undefined) {
      const rows: EventRow[] = await reading;
      reading = undefined;
      if (rows.length >= pageSize) {
        // The next page is asked for before this one is encoded: a server (PostgreSQL) reads it meanwhile.
        reading = backend.readAll(rows[rows.length - 1]!.globalPosition, pageSize);
        // Awaited in the next round; this only keeps a read abandoned by a fall-back from being unhandled.
        reading.catch(() => {});
      }
      if (rows.length === 0) continue;
      const page = encodePage(rows, events, this.freeText.pop(), this.freeMeta.pop());
      if (posted - Atomics.load(done, 0) >= HELP_WHEN_WAITING) hashEvents(page);
      while (inFlight >= MAX_IN_FLIGHT) await settle();
      this.post({ kind: 'page', ...page }, [page.text, page.meta]);
      inFlight++;
      posted++;
      events += rows.length;
    }
    this.post({ kind: 'finish' });
    while (inFlight > 0) await settle();
    const last = await this.receive();
    if (last.kind !== 'done') throw new FallBack('unexpected reply from the verification worker');
    if (last.count !== events) throw new FallBack('the verification worker lost events');
    return { events, streams: last.streams, rootHash: last.rootHash, problems, roots: last.roots };
  }
}

/**
 * The page the worker checks: the rows' text (see verify-worker.js) and numbers, in the buffers given when
 * they are large enough. Throws FallBack for rows only the single-threaded scan can judge.
 */
export function encodePage(rows: readonly EventRow[], first: number, textBuffer?: ArrayBuffer, metaBuffer?: ArrayBuffer): Page {
  const bytes = rows.length * META_STRIDE * Float64Array.BYTES_PER_ELEMENT;
  const metaOut = metaBuffer !== undefined && metaBuffer.byteLength >= bytes ? metaBuffer : new ArrayBuffer(bytes);
  const meta = new Float64Array(metaOut);
  const out = new PageWriter(textBuffer ?? new ArrayBuffer(1 << 20));
  let text = '';
  for (let k = 0; k < rows.length; k++) {
    const { globalPosition, streamPosition, streamId, type, data, actor, recordedAt, prevHash, hash } = rows[k]!;
    // Anything else is left to the single-threaded path, which defines what happens then.
    if (
      typeof globalPosition !== 'number' ||
      typeof streamPosition !== 'number' ||
      typeof streamId !== 'string' ||
      typeof type !== 'string' ||
      typeof data !== 'string' ||
      typeof actor !== 'string' ||
      typeof recordedAt !== 'string' ||
      typeof prevHash !== 'string' ||
      typeof hash !== 'string' ||
      prevHash.length !== 64 ||
      hash.length !== 64
    ) {
      throw new FallBack('a column is not of its type');
    }
    text += ROW_HEAD + streamId + ROW_MID + type + ROW_LEN + data + ROW_LEN + actor + ROW_LEN + recordedAt + ROW_SEP + prevHash + ROW_SEP + hash;
    if (text.length >= CHUNK_CHARS) {
      out.write(text);
      text = '';
    }
    const m = k * META_STRIDE;
    meta[m] = globalPosition;
    meta[m + 1] = streamPosition;
    meta[m + 2] = streamId.length;
    meta[m + 3] = type.length;
    meta[m + 4] = data.length;
    meta[m + 5] = actor.length;
    meta[m + 6] = recordedAt.length;
    meta[m + 7] = HASH_UNCHECKED;
  }
  out.write(text);
  return { first, count: rows.length, text: out.buffer, bytes: out.bytes, ascii: out.ascii, meta: metaOut };
}
