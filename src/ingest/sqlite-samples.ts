/** Process samples in the embedded database: a table of their own, through a connection of their own. */
import Database from 'better-sqlite3';
import type { ProcessSample, SampleQuery, SampleStore } from './sample-store.ts';

export function openSqliteSamples(file: string): SampleStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Samples are re-sent by sensors and cheap to lose on power failure; the ledger's FULL sync is not needed.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS process_samples (
    site TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL, value REAL NOT NULL
  );
  CREATE INDEX IF NOT EXISTS process_samples_by_source ON process_samples (site, source, at);`);
  const insert = db.prepare('INSERT INTO process_samples (site, source, at, value) VALUES (?, ?, ?, ?)');
  const addAll = db.transaction((samples: readonly ProcessSample[]) => {
    for (const s of samples) insert.run(s.site, s.source, s.at, s.value);
  });
  const select = db.prepare(
    `SELECT site, source, at, value FROM process_samples
     WHERE site = ? AND source = ? AND at >= ? AND at <= ? ORDER BY at LIMIT ?`,
  );
  return {
    async add(samples) {
      if (samples.length > 0) addAll(samples);
    },
    async query(q: SampleQuery) {
      return select.all(q.site, q.source, q.from ?? '', q.to ?? '9999', q.limit ?? 10_000) as ProcessSample[];
    },
    async close() {
      db.close();
    },
  };
}
