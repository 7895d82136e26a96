/**
 * What only the PostgreSQL engine has to get right: concurrent migrations, append-only enforced by the
 * database, one writer at a time across nodes, NOTIFY between nodes, and BIGINT read back as numbers.
 * The general behaviour of a backend is the shared contract suite's business.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, EventRow, GroupChanges, IdempotencyRecord, WriteTx } from '../backend.ts';
import { openPostgresBackend } from './backend.ts';
import { migrations } from './migrations.ts';
import { createTestDatabase, postgresAvailable, requirePostgresInCi } from './test-database.ts';
import type { TestDatabase } from './test-database.ts';

const availability = await postgresAvailable();
requirePostgresInCi(availability);
const title = availability.ok ? 'postgres backend' : `postgres backend (skipped: ${availability.reason})`;

const HASH = 'a'.repeat(64);

function eventRow(globalPosition: number, streamId: string, streamPosition: number): EventRow {
  return {
    globalPosition,
    streamId,
    streamPosition,
    type: 'Tested',
    data: '{"n":1}',
    actor: 'system:test',
    recordedAt: '2025-01-01T00:00:00.000Z',
    prevHash: HASH,
    hash: HASH,
  };
}

/** What a flush writes besides events; nothing unless given. */
function changes(partial: Partial<GroupChanges>): GroupChanges {
  return { streamHeads: new Map(), idempotency: new Map(), documents: [], log: undefined, ...partial };
}

/**
 * One event at the end of the log, as the ledger store would append it (under the log lock), with the
 * idempotency record and documents given; flushed, not yet committed.
 */
async function appendOne(
  tx: WriteTx,
  streamId: string,
  extra: { key?: string; documents?: GroupChanges['documents'] } = {},
): Promise<number> {
  const log = await tx.lockLog();
  const version = (await tx.streamHeads([streamId])).get(streamId)?.version ?? 0;
  const position = log.size + 1;
  await tx.insertEvents([eventRow(position, streamId, version + 1)]);
  const record: IdempotencyRecord = { fingerprint: HASH, streamId, nextVersion: version + 1, firstGlobalPosition: position, lastGlobalPosition: position };
  await tx.flush(
    changes({
      streamHeads: new Map([[streamId, { version: version + 1, hash: HASH }]]),
      idempotency: new Map(extra.key === undefined ? [] : [[extra.key, record]]),
      documents: extra.documents ?? [],
      log: { size: position, frontier: [...log.frontier] },
    }),
  );
  return position;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Resolves on the next call of the returned callback; rejects if none comes in time. */
function nextCall(timeoutMs = 5_000): { callback: () => void; called: () => Promise<void> } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    callback: () => resolve(),
    called: () =>
      Promise.race([
        promise,
        new Promise<void>((_, reject) => setTimeout(() => reject(new Error('no commit notification')), timeoutMs)),
      ]),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!availability.ok)(title, () => {
  const databases: TestDatabase[] = [];
  const backends: Backend[] = [];
  let db: TestDatabase;
  let a: Backend;
  let b: Backend;

  async function newDatabase(): Promise<TestDatabase> {
    const created = await createTestDatabase('bes_pg_backend');
    databases.push(created);
    return created;
  }

  async function open(url: string, poolSize?: number): Promise<Backend> {
    const backend = await openPostgresBackend({ connectionString: url, poolSize });
    backends.push(backend);
    return backend;
  }

  beforeAll(async () => {
    db = await newDatabase();
    // Two backends on one database stand for two server nodes.
    a = await open(db.url, 4);
    b = await open(db.url, 4);
  });

  afterAll(async () => {
    await Promise.all(backends.map((x) => x.close()));
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('runs migrations once, even when two nodes open a new database at the same time', async () => {
    const fresh = await newDatabase();
    const [first, second] = await Promise.all([open(fresh.url), open(fresh.url)]);
    await first!.write((tx) => appendOne(tx, 'm-1'));
    await first!.close();
    await second!.close();

    const again = await open(fresh.url);
    expect(await again.logState()).toMatchObject({ size: 1 });
    const applied = await withClient(fresh.url, async (c) => (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows);
    expect(applied.map((r: { version: number }) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events and checkpoints in the database itself', async () => {
    const position = await a.write((tx) => appendOne(tx, 'append-only'));
    await a.insertCheckpoint({ size: position, rootHash: HASH, note: 'note', createdAt: '2025-01-01T00:00:00.000Z' });
    await withClient(db.url, async (c) => {
      for (const table of ['events', 'checkpoints']) {
        const key = table === 'events' ? 'global_position' : 'size';
        await expect(c.query(`UPDATE ${table} SET ${key} = ${key} WHERE ${key} = $1`, [position])).rejects.toThrow(
          `${table} are append-only: UPDATE refused`,
        );
        await expect(c.query(`DELETE FROM ${table} WHERE ${key} = $1`, [position])).rejects.toThrow(
          `${table} are append-only: DELETE refused`,
        );
        await expect(c.query(`TRUNCATE ${table}`)).rejects.toThrow(`${table} are append-only: TRUNCATE refused`);
      }
    });
    expect((await a.readAll(position - 1, 1))[0]?.globalPosition).toBe(position);
  });

  it('lets one writer at a time hold the log, across backends', async () => {
    const before = (await a.logState()).size;
    const writes = Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? a : b).write(async (tx) => {
        const log = await tx.lockLog();
        // Without the lock, another writer would read the same size in this gap and one increment be lost.
        await sleep(1);
        await tx.insertEvents([eventRow(log.size + 1, `lock-${i}`, 1)]);
        await tx.flush(changes({ log: { size: log.size + 1, frontier: [...log.frontier] } }));
      }),
    );
    await Promise.all(writes);

    expect((await b.logState()).size).toBe(before + 50);
    const positions = (await a.readAll(before, 100)).map((e) => e.globalPosition);
    expect(positions).toEqual(Array.from({ length: 50 }, (_, i) => before + i + 1));
  });

  it('leaves nothing behind when a write throws, and announces nothing', async () => {
    const log = await a.logState();
    const watch = nextCall(500);
    const stop = await a.watchCommits(watch.callback);
    try {
      await expect(
        b.write(async (tx) => {
          // Flushed (its statements possibly still in flight), then the work fails: none of it is committed.
          await appendOne(tx, 'doomed', { key: 'doomed-key', documents: [{ collection: 'things', id: 'doomed', doc: '{"n":1}' }] });
          throw new Error('projection failed');
        }),
      ).rejects.toThrow('projection failed');
      // A statement the database rejects aborts the transaction; the write still rolls back cleanly, with
      // that statement's error (not with those of the statements pipelined behind it).
      await expect(
        b.write(async (tx) => {
          await tx.lockLog();
          await tx.insertEvents([eventRow(1, 'dup', 1), eventRow(1, 'dup', 2)]);
          await tx.flush(changes({ documents: [{ collection: 'things', id: 'doomed', doc: '{"n":2}' }] }));
        }),
      ).rejects.toThrow(/duplicate key/);
      await expect(watch.called()).rejects.toThrow('no commit notification');
    } finally {
      await stop();
    }

    expect(await a.logState()).toEqual(log);
    expect(await a.streamHead('doomed')).toBeUndefined();
    expect(await a.readStream('doomed', 0, 10)).toEqual([]);
    expect(await a.getDocument('things', 'doomed')).toBeUndefined();
    expect(await b.findIdempotency('doomed-key')).toBeUndefined();
  });

  it('fails the whole write with the first statement the database refused, committing none of the flush', async () => {
    const first = await a.write((tx) => appendOne(tx, 'pipelined', { key: 'pipelined-key' }));
    const log = await a.logState();
    // Events and stream heads are fine; the idempotency key was used already: the flush's third statement fails.
    await expect(
      a.write((tx) => appendOne(tx, 'pipelined-2', { key: 'pipelined-key', documents: [{ collection: 'things', id: 'pipelined', doc: '[1]' }] })),
    ).rejects.toThrow(/duplicate key value violates unique constraint "idempotency_pkey"/);
    expect(await a.logState()).toEqual(log);
    expect(await a.streamHead('pipelined-2')).toBeUndefined();
    expect(await a.getDocument('things', 'pipelined')).toBeUndefined();
    expect(await a.findIdempotency('pipelined-key')).toMatchObject({ streamId: 'pipelined', firstGlobalPosition: first });
    // The connection is fine afterwards.
    await a.write((tx) => appendOne(tx, 'pipelined-3'));
    expect((await a.logState()).size).toBe(log.size + 1);
  });

  it('reads in one round trip what a group needs, after taking the lock, and documents as JSON text', async () => {
    await a.write((tx) =>
      appendOne(tx, 'prefetch-1', { key: 'prefetch-key', documents: [{ collection: 'things', id: 'prefetch', doc: '{"list":[1,2],"n":null}' }] }),
    );
    const [log, heads, records, doc, missing] = await b.write(async (tx) =>
      Promise.all([
        tx.lockLog(),
        tx.streamHeads(['prefetch-1', 'prefetch-none']),
        tx.findIdempotencies(['prefetch-key', 'prefetch-unknown']),
        tx.getDocument('things', 'prefetch'),
        tx.getDocument('things', 'prefetch-none'),
      ]),
    );
    expect(log).toEqual(await a.logState());
    expect([...heads]).toEqual([['prefetch-1', { version: 1, hash: HASH }]]);
    expect([...records.keys()]).toEqual(['prefetch-key']);
    expect(JSON.parse(doc!)).toEqual({ list: [1, 2], n: null });
    expect(missing).toBeUndefined();
  });

  it('writes every text exactly as given, whatever characters it holds', async () => {
    const tricky = 'q"uote\\ back\\slash \\u0041 tab\t nl\n \u0001 é 中文 😀 \u2028 end';
    const position = await a.write(async (tx) => {
      const log = await tx.lockLog();
      const row = { ...eventRow(log.size + 1, `tricky ${tricky}`, 1), type: `T ${tricky}`, data: JSON.stringify({ t: tricky }), actor: `a ${tricky}` };
      await tx.insertEvents([row]);
      await tx.flush(
        changes({
          streamHeads: new Map([[row.streamId, { version: 1, hash: HASH }]]),
          idempotency: new Map([[`k ${tricky}`, { fingerprint: `f ${tricky}`, streamId: row.streamId, nextVersion: 1, firstGlobalPosition: row.globalPosition, lastGlobalPosition: row.globalPosition }]]),
          documents: [{ collection: `c ${tricky}`, id: `i ${tricky}`, doc: JSON.stringify({ t: tricky, list: [tricky] }) }],
          log: { size: row.globalPosition, frontier: [...log.frontier] },
        }),
      );
      return row.globalPosition;
    });
    const [event] = await a.readAll(position - 1, 1);
    expect(event).toMatchObject({ streamId: `tricky ${tricky}`, type: `T ${tricky}`, data: JSON.stringify({ t: tricky }), actor: `a ${tricky}` });
    expect(await a.streamHead(`tricky ${tricky}`)).toEqual({ version: 1, hash: HASH });
    expect(await a.findIdempotency(`k ${tricky}`)).toMatchObject({ fingerprint: `f ${tricky}`, streamId: `tricky ${tricky}` });
    expect(await a.getDocument(`c ${tricky}`, `i ${tricky}`)).toEqual({ t: tricky, list: [tricky] });
    await a.write(async (tx) => {
      await tx.lockLog();
      await tx.flush(changes({ documents: [{ collection: `c ${tricky}`, id: `i ${tricky}`, doc: undefined }] }));
    });
    expect(await a.getDocument(`c ${tricky}`, `i ${tricky}`)).toBeUndefined();
  });

  it('tells a backend when another backend commits', async () => {
    const watch = nextCall();
    const stop = await a.watchCommits(watch.callback);
    try {
      await b.write((tx) => appendOne(tx, 'notify'));
      await watch.called();
    } finally {
      await stop();
    }
  });

  it('listens again after its connection is lost, and catches up', async () => {
    let calls = 0;
    const stop = await a.watchCommits(() => (calls += 1));
    try {
      const killed = await withClient(db.url, async (c) =>
        (
          await c.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN bes_commits'",
          )
        ).rowCount,
      );
      expect(killed).toBe(1);
      // Commits made while it was away were not announced: the reconnect itself is announced instead.
      await expect.poll(() => calls, { timeout: 5_000 }).toBe(1);
      await b.write((tx) => appendOne(tx, 'after-reconnect'));
      await expect.poll(() => calls, { timeout: 5_000 }).toBe(2);
    } finally {
      await stop();
    }
  });

  it('returns every number as a JavaScript number', async () => {
    const position = await a.write((tx) =>
      appendOne(tx, 'numbers', { key: 'numbers-key', documents: [{ collection: 'things', id: 'numbers', doc: JSON.stringify({ count: 3, list: [1, 2.5] }) }] }),
    );
    await a.insertCheckpoint({ size: position, rootHash: HASH, note: 'n', createdAt: '2025-01-01T00:00:00.000Z' });

    const [event] = await a.readStream('numbers', 0, 10);
    expect(event).toMatchObject({ globalPosition: position, streamPosition: 1 });
    expect(typeof event!.globalPosition).toBe('number');
    expect(typeof event!.streamPosition).toBe('number');
    expect((await a.readAll(position - 1, 1))[0]?.globalPosition).toBe(position);
    expect(await a.streamHead('numbers')).toEqual({ version: 1, hash: HASH });
    expect(typeof (await a.logState()).size).toBe('number');
    expect(await a.write((tx) => tx.lockLog())).toMatchObject({ size: expect.any(Number) });
    expect((await a.write((tx) => tx.findIdempotencies(['numbers-key']))).get('numbers-key')).toEqual({
      fingerprint: HASH,
      streamId: 'numbers',
      nextVersion: 1,
      firstGlobalPosition: position,
      lastGlobalPosition: position,
    });
    expect(await a.getDocument('things', 'numbers')).toEqual({ count: 3, list: [1, 2.5] });
    expect((await a.listCheckpoints()).find((c) => c.size === position)).toEqual({
      size: position,
      rootHash: HASH,
      note: 'n',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });
});
