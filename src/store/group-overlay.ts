/**
 * The in-memory state of one group commit, which replaces savepoints. Each command of the group runs against
 * its own overlay: reads go command overlay → group overlay → database, writes (events, stream heads, the
 * idempotency record, document puts and deletes) stay in the command's overlay. A command that throws is
 * dropped with everything it wrote — nothing of it reached the database; one that succeeds is merged into
 * the group. At the end the group's net changes are flushed in a few multi-row statements and committed once.
 *
 * The stream heads and idempotency keys of every command of the group are read up front, in one query each;
 * a document a projector reads is read once per group and then served from here.
 *
 * A database error inside the group (a read that failed, say) may have ended the transaction: the group
 * fails as a whole with that error, even if a projector caught it.
 */
import type { DocumentChange, EventRow, GroupChanges, IdempotencyRecord, LogState, StreamHead, WriteTx } from './backend.ts';
import type { AppendRequest, ProjectionTx } from './event-store.ts';

/** collection → id → JSON text; `undefined`: there is no such document (never was, or deleted). */
type DocumentMap = Map<string, Map<string, string | undefined>>;

function docsIn(map: DocumentMap, collection: string): Map<string, string | undefined> {
  let docs = map.get(collection);
  if (docs === undefined) {
    docs = new Map();
    map.set(collection, docs);
  }
  return docs;
}

/**
 * Longest collection name and document id, in UTF-16 units: at most 3 bytes of UTF-8 each, both together stay
 * below PostgreSQL's limit for an index entry (about 2,700 bytes).
 */
const MAX_DOCUMENT_KEY = 400;
/** U+0000 or a lone surrogate: PostgreSQL stores neither in text, and a lone surrogate is not UTF-8 at all. */
const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** In JSON.stringify's text, U+0000 or a lone surrogate as it writes them (\u0000, \udXXX): jsonb refuses both. */
const UNSTORABLE_JSON = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

function checkKeyPart(what: string, value: unknown): void {
  if (typeof value !== 'string' || value.length > MAX_DOCUMENT_KEY || UNSTORABLE_TEXT.test(value)) {
    throw new TypeError(`a ${what} must be text of at most ${MAX_DOCUMENT_KEY} characters, without U+0000 or lone surrogates`);
  }
}

/**
 * Refuses, in the command that asks, what the database would refuse at the flush, where it could only fail the
 * whole group. The rules are the engines' common ground, so that read models move between them (backups).
 */
function checkKey(collection: unknown, id: unknown): void {
  checkKeyPart('collection', collection);
  checkKeyPart('document id', id);
}

/** Thrown to the group when the database failed underneath it; carries the database's own error. */
interface Failure {
  readonly error: unknown;
}

export class GroupOverlay {
  private readonly tx: WriteTx;
  /** What this group knows of stream heads and keys: read from the database, then as merged commands left them. */
  private readonly heads = new Map<string, StreamHead | undefined>();
  private readonly keys = new Map<string, IdempotencyRecord | undefined>();
  /** Documents read from the database or written by merged commands. */
  private readonly docs: DocumentMap = new Map();
  private readonly writtenHeads = new Map<string, StreamHead>();
  private readonly writtenKeys = new Map<string, IdempotencyRecord>();
  private readonly writtenDocs: DocumentMap = new Map();
  private failure: Failure | undefined;

  constructor(tx: WriteTx) {
    this.tx = tx;
  }

  /**
   * Locks the log and reads the heads and keys every request of the group may touch. The three reads are
   * issued together (one round trip where the backend pipelines); the backend runs them in that order.
   */
  async begin(requests: readonly AppendRequest[]): Promise<LogState> {
    const streamIds = new Set<string>();
    const keys = new Set<string>();
    for (const r of requests) {
      streamIds.add(r.streamId);
      if (r.also !== undefined) for (const part of r.also) streamIds.add(part.streamId);
      if (r.idempotencyKey !== undefined) keys.add(r.idempotencyKey);
    }
    const [state, heads, records] = await Promise.all([
      this.guard(this.tx.lockLog()),
      this.guard(this.tx.streamHeads([...streamIds])),
      keys.size === 0 ? new Map<string, IdempotencyRecord>() : this.guard(this.tx.findIdempotencies([...keys])),
    ]);
    for (const id of streamIds) this.heads.set(id, heads.get(id));
    for (const key of keys) this.keys.set(key, records.get(key));
    return state;
  }

  /** The database failed during this group: the error that did it, to fail the whole group with. */
  get failed(): Failure | undefined {
    return this.failure;
  }

  command(): CommandOverlay {
    return new CommandOverlay(this);
  }

  streamHead(streamId: string): StreamHead | undefined {
    if (!this.heads.has(streamId)) throw new Error(`stream ${streamId} was not read for this group`);
    return this.heads.get(streamId);
  }

  idempotency(key: string): IdempotencyRecord | undefined {
    if (!this.keys.has(key)) throw new Error(`idempotency key ${key} was not read for this group`);
    return this.keys.get(key);
  }

  /** A document as the group sees it; read from the database on first use. */
  async document(collection: string, id: string): Promise<string | undefined> {
    const known = this.docs.get(collection);
    if (known?.has(id)) return known.get(id);
    const text = await this.guard(this.tx.getDocument(collection, id));
    const docs = docsIn(this.docs, collection);
    // A write merged meanwhile (a projector that did not await its read) is newer than what was read.
    if (!docs.has(id)) docs.set(id, text);
    return docs.get(id);
  }

  /** Makes a successful command's writes the group's; its events go to the backend. */
  async merge(command: CommandOverlay): Promise<void> {
    const { rows, heads, idempotency, docs } = command.close();
    if (rows.length > 0) await this.guard(this.tx.insertEvents(rows));
    for (const [streamId, head] of heads) {
      this.heads.set(streamId, head);
      this.writtenHeads.set(streamId, head);
    }
    if (idempotency !== undefined) {
      this.keys.set(idempotency.key, idempotency.record);
      this.writtenKeys.set(idempotency.key, idempotency.record);
    }
    for (const [collection, changed] of docs) {
      const known = docsIn(this.docs, collection);
      const written = docsIn(this.writtenDocs, collection);
      for (const [id, text] of changed) {
        known.set(id, text);
        written.set(id, text);
      }
    }
  }

  /** Writes everything the group's merged commands changed. */
  flush(log: LogState | undefined): Promise<void> {
    const documents: DocumentChange[] = [];
    for (const [collection, docs] of this.writtenDocs) {
      for (const [id, doc] of docs) documents.push({ collection, id, doc });
    }
    const changes: GroupChanges = { streamHeads: this.writtenHeads, idempotency: this.writtenKeys, documents, log };
    return this.guard(this.tx.flush(changes));
  }

  /** Every call into the database goes through here, so a failure is remembered even if a projector swallows it. */
  private guard<T>(call: Promise<T>): Promise<T> {
    return call.catch((error: unknown) => {
      this.failure ??= { error };
      throw error;
    });
  }
}

/** What one command wrote, kept until it is merged into the group or dropped. */
export class CommandOverlay implements ProjectionTx {
  private readonly group: GroupOverlay;
  private readonly rows: EventRow[] = [];
  private readonly heads = new Map<string, StreamHead>();
  private idempotency: { key: string; record: IdempotencyRecord } | undefined;
  private readonly docs: DocumentMap = new Map();
  private open = true;

  constructor(group: GroupOverlay) {
    this.group = group;
  }

  streamHead(streamId: string): StreamHead | undefined {
    return this.heads.has(streamId) ? this.heads.get(streamId) : this.group.streamHead(streamId);
  }

  findIdempotency(key: string): IdempotencyRecord | undefined {
    return this.idempotency?.key === key ? this.idempotency.record : this.group.idempotency(key);
  }

  appendEvents(rows: readonly EventRow[]): void {
    this.assertOpen();
    this.rows.push(...rows);
  }

  saveStreamHead(streamId: string, head: StreamHead): void {
    this.assertOpen();
    this.heads.set(streamId, head);
  }

  saveIdempotency(key: string, record: IdempotencyRecord): void {
    this.assertOpen();
    this.idempotency = { key, record };
  }

  async get<T = unknown>(collection: string, id: string): Promise<T | undefined> {
    this.assertOpen();
    checkKey(collection, id);
    const own = this.docs.get(collection);
    const text = own?.has(id) ? own.get(id) : await this.group.document(collection, id);
    // A fresh copy on every read, as from the database: a projector that changes what it read changes nothing.
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async put(collection: string, id: string, doc: unknown): Promise<void> {
    this.assertOpen();
    checkKey(collection, id);
    // Serialised now: the document is what it was at put(), whatever the projector does with the object later.
    const text = JSON.stringify(doc) as string | undefined;
    if (text === undefined) throw new TypeError(`document ${collection}/${id} is not JSON-serialisable`);
    if (UNSTORABLE_JSON.test(text)) throw new TypeError(`document ${collection}/${id} holds U+0000 or a lone surrogate`);
    docsIn(this.docs, collection).set(id, text);
  }

  async delete(collection: string, id: string): Promise<void> {
    this.assertOpen();
    checkKey(collection, id);
    docsIn(this.docs, collection).set(id, undefined);
  }

  /** Ends the command: its writes, for the group to merge (or to drop, if it failed). */
  close() {
    this.open = false;
    return { rows: this.rows, heads: this.heads, idempotency: this.idempotency, docs: this.docs };
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('the command is over: its projection transaction can no longer be used');
  }
}
