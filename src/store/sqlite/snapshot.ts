/**
 * Snapshots of the SQLite store: a read transaction on its own connection sees one instant of the WAL
 * while the writer carries on; an import writes everything in one immediate transaction.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { RestoreTargetNotEmptyError, SNAPSHOT_TABLES, type SnapshotRecord } from '../snapshot.ts';

/** Streams every table of the database file as of the moment the first row is read. */
export async function* exportSqliteSnapshot(file: string): AsyncIterable<SnapshotRecord> {
  const db = new Database(file, { readonly: true });
  db.pragma('busy_timeout = 10000');
  try {
    db.exec('BEGIN');
    for (const table of SNAPSHOT_TABLES) {
      const stmt = db.prepare(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.key.join(', ')}`);
      for (const row of stmt.iterate() as IterableIterator<Record<string, string | number>>) {
        yield { table: table.name, row };
      }
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

function assertEmpty(db: Db): void {
  const { events } = db.prepare('SELECT count(*) AS events FROM events').get() as { events: number };
  const { docs } = db.prepare('SELECT count(*) AS docs FROM documents').get() as { docs: number };
  const { checkpoints } = db.prepare('SELECT count(*) AS checkpoints FROM checkpoints').get() as { checkpoints: number };
  if (events + docs + checkpoints > 0) {
    throw new RestoreTargetNotEmptyError(
      `the target database is not empty (${events} events, ${docs} documents, ${checkpoints} checkpoints); restore only into a new one`,
    );
  }
}

/** Imports a snapshot through the writer connection, all or nothing. */
export async function importSqliteSnapshot(writer: Db, records: AsyncIterable<SnapshotRecord>): Promise<void> {
  const inserts = new Map(
    SNAPSHOT_TABLES.filter((t) => t.name !== 'log_state').map((t) => [
      t.name,
      writer.prepare(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`),
    ]),
  );
  const columns = new Map(SNAPSHOT_TABLES.map((t) => [t.name, t.columns as readonly string[]]));
  writer.exec('BEGIN IMMEDIATE');
  try {
    assertEmpty(writer);
    for await (const { table, row } of records) {
      const values = columns.get(table)!.map((c) => row[c]);
      if (table === 'log_state') writer.prepare('UPDATE log_state SET size = ?, frontier = ? WHERE id = 1').run(...values);
      else inserts.get(table)!.run(...values);
    }
    writer.exec('COMMIT');
  } catch (error) {
    if (writer.inTransaction) writer.exec('ROLLBACK');
    throw error;
  }
}
