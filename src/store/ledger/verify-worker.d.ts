/** Types of verify-worker.js (plain JavaScript so that a worker thread loads it without a TypeScript loader). */

export declare const ROW_HEAD: string;
export declare const ROW_MID: string;
export declare const ROW_LEN: string;
export declare const ROW_SEP: string;
export declare const META_STRIDE: number;
export declare const WORKER_MARK: string;
/** The last number of each event in a page's meta before anything checked its hash. */
export declare const HASH_UNCHECKED: number;

/** Recomputes and compares the page's event hashes, noting the outcomes in its meta (so that the worker need not). */
export declare function hashEvents(page: Page): void;

export interface Page {
  /** Ordinal (0-based, in reading order) of the page's first event. */
  readonly first: number;
  readonly count: number;
  /** The page's UTF-8 bytes from offset 0. */
  readonly text: ArrayBuffer;
  readonly bytes: number;
  /** Whether the page is all ASCII (as many bytes as UTF-16 units). */
  readonly ascii: boolean;
  /** A Float64Array's buffer: META_STRIDE numbers per event. */
  readonly meta: ArrayBuffer;
}

/** A problem with one event, by its numbers and names (verify-checks.ts words it). */
export type EventProblem = { readonly ordinal: number; readonly at: number } & (
  | { readonly kind: 'gap'; readonly expected: number }
  | { readonly kind: 'stream'; readonly streamId: string; readonly streamPosition: number; readonly expected: number }
  | { readonly kind: 'chain'; readonly streamId: string }
  | { readonly kind: 'altered'; readonly type: string; readonly streamId: string }
);

export interface PageOutcome {
  /** The page's problems, in the single-threaded scan's order, while fewer than the limit were found. */
  readonly problems: EventProblem[];
  /** A stored hash is not 64 hex digits (merkle.ts would throw): verify single-threaded instead. */
  readonly malformed: boolean;
}

export declare class PageVerifier {
  constructor(sizes: readonly number[], limit: number);
  /** Roots (hex) at the checkpoint sizes reached, in the order of `sizes`. */
  readonly roots: string[];
  readonly count: number;
  readonly streams: number;
  processPage(page: Page): PageOutcome;
  rootHex(): string;
}

export type ToWorker =
  | { readonly kind: 'start'; readonly sizes: number[]; readonly limit: number; readonly done: Int32Array }
  | ({ readonly kind: 'page' } & Page)
  | { readonly kind: 'finish' };

export type FromWorker =
  | ({ readonly kind: 'page'; readonly text: ArrayBuffer; readonly meta: ArrayBuffer } & PageOutcome)
  | { readonly kind: 'done'; readonly count: number; readonly streams: number; readonly rootHash: string; readonly roots: string[] };
