/** Process samples on PostgreSQL: one table, written in batches with one statement each. */
import pg from 'pg';
import type { ProcessSample, SampleQuery, SampleStore } from './sample-store.ts';

export async function openPostgresSamples(connectionString: string): Promise<SampleStore> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  await pool.query(`CREATE TABLE IF NOT EXISTS process_samples (
    site text NOT NULL, source text NOT NULL, at timestamptz NOT NULL, value double precision NOT NULL
  );
  CREATE INDEX IF NOT EXISTS process_samples_by_source ON process_samples (site, source, at);`);
  return {
    async add(samples: readonly ProcessSample[]) {
      if (samples.length === 0) return;
      await pool.query(
        'INSERT INTO process_samples (site, source, at, value) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[])',
        [samples.map((s) => s.site), samples.map((s) => s.source), samples.map((s) => s.at), samples.map((s) => s.value)],
      );
    },
    async query(q: SampleQuery) {
      const { rows } = await pool.query<{ site: string; source: string; at: Date; value: number }>(
        `SELECT site, source, at, value FROM process_samples
         WHERE site = $1 AND source = $2 AND at >= $3 AND at <= $4 ORDER BY at LIMIT $5`,
        [q.site, q.source, q.from ?? '-infinity', q.to ?? 'infinity', q.limit ?? 10_000],
      );
      return rows.map((r) => ({ site: r.site, source: r.source, at: r.at.toISOString(), value: r.value }));
    },
    async close() {
      await pool.end();
    },
  };
}
