/**
 * Snapshots of the PostgreSQL store: one REPEATABLE READ transaction pages through every table by key
 * while other nodes keep writing; an import writes everything in one transaction, in multi-row inserts.
 */
import type pg from 'pg';
import { JSON_COLUMNS, RestoreTargetNotEmptyError, SNAPSHOT_TABLES, type SnapshotRecord, type SnapshotTable } from '../snapshot.ts';

const PAGE = 5000;
const INSERT_CHUNK = 500;

function selectList(table: (typeof SNAPSHOT_TABLES)[number]): string {
  return table.columns.map((c) => (JSON_COLUMNS.has(`${table.name}.${c}`) ? `${c}::text AS ${c}` : c)).join(', ');
}

/** Streams every table as of the transaction's snapshot, page by page (keyset pagination). */
export async function* exportPostgresSnapshot(pool: pg.Pool): AsyncIterable<SnapshotRecord> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const table of SNAPSHOT_TABLES) {
      const key = table.key.join(', ');
      let last: unknown[] | undefined;
      for (;;) {
        const where = last === undefined ? '' : `WHERE (${key}) > (${table.key.map((_, i) => `$${i + 1}`).join(', ')})`;
        const { rows } = await client.query<Record<string, string | number>>(
          `SELECT ${selectList(table)} FROM ${table.name} ${where} ORDER BY ${key} LIMIT ${PAGE}`,
          last ?? [],
        );
        for (const row of rows) yield { table: table.name, row };
        if (rows.length < PAGE) break;
        const end = rows[rows.length - 1]!;
        last = table.key.map((k) => end[k]);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    failed = error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release(failed);
  }
}

async function assertEmpty(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ events: number; docs: number; checkpoints: number }>(
    'SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM documents)::int AS docs, (SELECT count(*) FROM checkpoints)::int AS checkpoints',
  );
  const { events, docs, checkpoints } = rows[0]!;
  if (events + docs + checkpoints > 0) {
    throw new RestoreTargetNotEmptyError(
      `the target database is not empty (${events} events, ${docs} documents, ${checkpoints} checkpoints); restore only into a new one`,
    );
  }
}

/** Imports a snapshot in one transaction; JSON columns are cast back from text. */
export async function importPostgresSnapshot(pool: pg.Pool, records: AsyncIterable<SnapshotRecord>): Promise<void> {
  const client = await pool.connect();
  let failed: Error | undefined;
  const pending = new Map<SnapshotTable, Record<string, string | number>[]>();
  const flush = async (name: SnapshotTable) => {
    const rows = pending.get(name) ?? [];
    if (rows.length === 0) return;
    pending.set(name, []);
    const table = SNAPSHOT_TABLES.find((t) => t.name === name)!;
    const params: unknown[] = [];
    const tuples = rows.map((row) => {
      const cells = table.columns.map((c) => {
        params.push(row[c]);
        return JSON_COLUMNS.has(`${name}.${c}`) ? `$${params.length}::jsonb` : `$${params.length}`;
      });
      return `(${cells.join(', ')})`;
    });
    if (name === 'log_state') {
      await client.query('UPDATE log_state SET size = $1, frontier = $2::jsonb WHERE id = 1', params.slice(0, 2));
      return;
    }
    await client.query(`INSERT INTO ${name} (${table.columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  };
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE log_state IN EXCLUSIVE MODE');
    await assertEmpty(client);
    for await (const { table, row } of records) {
      const rows = pending.get(table) ?? [];
      rows.push(row);
      pending.set(table, rows);
      if (rows.length >= INSERT_CHUNK) await flush(table);
    }
    for (const t of SNAPSHOT_TABLES) await flush(t.name);
    await client.query('COMMIT');
  } catch (error) {
    failed = error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release(failed);
  }
}
