import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend.ts';
import { createLedgerStore, type LedgerStore } from '../ledger-store.ts';
import { loadOrCreateLedgerKey } from '../ledger/signing-key.ts';
import { openSqliteBackend } from '../sqlite/backend.ts';
import { openPostgresBackend } from '../postgres/backend.ts';
import { createTestDatabase, postgresAvailable, requirePostgresInCi } from '../postgres/test-database.ts';
import { verifyStore } from '../verify-store.ts';
import { backupStore, restoreStore, type LedgerFiles } from './backup.ts';
import { BackupFileError } from './backup-file.ts';
import { RestoreTargetNotEmptyError } from '../snapshot.ts';

const pgAvailable = await postgresAvailable();
requirePostgresInCi(pgAvailable);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Site {
  readonly files: LedgerFiles;
  readonly open: () => Promise<Backend>;
  readonly engine: string;
}

async function site(engine: 'sqlite' | 'postgres'): Promise<Site> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-backup-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const files = { checkpointFile: join(dir, 'checkpoints.jsonl'), keysDir: join(dir, 'keys'), name: `site-${engine}` };
  if (engine === 'sqlite') return { files, engine, open: async () => openSqliteBackend({ file: join(dir, 'openbes.db') }) };
  const db = await createTestDatabase('bes_backup');
  cleanups.push(db.drop);
  return { files, engine, open: () => openPostgresBackend({ connectionString: db.url }) };
}

async function storeOn(s: Site): Promise<LedgerStore> {
  const key = await loadOrCreateLedgerKey(s.files.keysDir, s.files.name);
  return createLedgerStore({ backend: await s.open(), checkpoints: { key, file: s.files.checkpointFile, everyEvents: 25, everyMs: 0 } });
}

async function fill(store: LedgerStore, from: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return store.append({
        streamId: `batch-${i % 5}`,
        events: [{ type: 'StepCompleted', data: { i, note: `café “${i}”` } }],
        expectedVersion: 'any',
        actor: 'operator-1',
        idempotencyKey: `cmd-${i}`,
        project: async (tx, events) => {
          const doc = (await tx.get<{ n: number }>('batches', `batch-${i % 5}`)) ?? { n: 0 };
          await tx.put('batches', `batch-${i % 5}`, { n: doc.n + events.length, last: events[0]!.globalPosition });
        },
      });
    }),
  );
}

const verify = async (backend: Backend, s: Site) => verifyStore(backend, { checkpointFile: s.files.checkpointFile, keysDir: s.files.keysDir });

const pairs: ['sqlite' | 'postgres', 'sqlite' | 'postgres'][] = [
  ['sqlite', 'sqlite'],
  ['sqlite', 'postgres'],
  ['postgres', 'sqlite'],
  ['postgres', 'postgres'],
];

describe('backup and restore', () => {
  for (const [from, to] of pairs) {
    const needsPg = from === 'postgres' || to === 'postgres';
    it.skipIf(needsPg && !pgAvailable.ok)(`copies a live ${from} store into ${to}, and the copy verifies${needsPg && !pgAvailable.ok ? ` (skipped: ${pgAvailable.ok ? '' : pgAvailable.reason})` : ''}`, async () => {
      const source = await site(from);
      const store = await storeOn(source);
      await fill(store, 0, 60);
      await store.checkpoint();
      const out = join(await mkdtemp(join(tmpdir(), 'bes-backup-file-')), 'backup.jsonl.gz');
      // Online: appends keep arriving while the backup runs.
      const during = fill(store, 60, 60);
      const summary = await backupStore(store.backend, source.engine, source.files, out);
      await during;
      expect(summary.events).toBeGreaterThanOrEqual(60);

      const target = await site(to);
      const backend = await target.open();
      const restored = await restoreStore(backend, target.files, out);
      expect(restored.events).toBe(summary.events);
      const report = await verify(backend, target);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, events: summary.events, rootHash: summary.rootHash });
      expect(report.sealedSize).toBeGreaterThanOrEqual(50);

      const originals = (await store.readAll({ limit: summary.events })).map((e) => ({ ...e }));
      const copies = await backend.readAll(0, 10_000);
      expect(copies.map((r) => ({ ...r, data: JSON.parse(r.data) as unknown }))).toEqual(originals);
      // Read models as of the snapshot: each batch document counts the events of its stream in the copy.
      for (let b = 0; b < 5; b++) {
        const n = copies.filter((r) => r.streamId === `batch-${b}`).length;
        expect(((await backend.getDocument('batches', `batch-${b}`)) as { n: number } | undefined)?.n ?? 0).toBe(n);
      }
      await store.close();

      // The restored store carries on: idempotency keys are remembered, new appends chain on.
      const key = await loadOrCreateLedgerKey(target.files.keysDir, target.files.name);
      const resumed = await createLedgerStore({ backend, checkpoints: { key, file: target.files.checkpointFile, everyEvents: 1000, everyMs: 0 } });
      const firstKey = copies[0]!;
      const replay = await resumed.append({
        streamId: firstKey.streamId,
        events: [{ type: 'StepCompleted', data: JSON.parse(firstKey.data) as unknown }],
        expectedVersion: 'any',
        actor: 'operator-1',
        idempotencyKey: `cmd-${(JSON.parse(firstKey.data) as { i: number }).i}`,
      });
      expect(replay).toMatchObject({ replayed: true, firstGlobalPosition: 1 });
      await resumed.append({ streamId: 'after-restore', events: [{ type: 'E', data: {} }], expectedVersion: 'no_stream', actor: 'u' });
      await resumed.checkpoint();
      const after = await verify(backend, target);
      expect(after.ok).toBe(true);
      expect(after.checkpoints).toBeGreaterThan(report.checkpoints);
      await resumed.close();
    });
  }

  it('refuses a truncated or altered backup and writes nothing', async () => {
    const source = await site('sqlite');
    const store = await storeOn(source);
    await fill(store, 0, 30);
    const dir = await mkdtemp(join(tmpdir(), 'bes-backup-file-'));
    const out = join(dir, 'b.gz');
    await backupStore(store.backend, 'sqlite', source.files, out);
    await store.close();
    const text = gunzipSync(await readFile(out)).toString('utf8');
    const lines = text.trimEnd().split('\n');

    const truncated = join(dir, 'truncated.gz');
    await writeFile(truncated, gzipSync(`${lines.slice(0, -5).join('\n')}\n`));
    const altered = join(dir, 'altered.gz');
    await writeFile(altered, gzipSync(text.replace('operator-1', 'operator-2')));
    const garbage = join(dir, 'garbage.gz');
    await writeFile(garbage, 'not a backup');

    for (const file of [truncated, altered, garbage]) {
      const target = await site('sqlite');
      const backend = await target.open();
      await expect(restoreStore(backend, target.files, file)).rejects.toBeInstanceOf(BackupFileError);
      expect((await backend.logState()).size).toBe(0);
      await backend.close();
    }
  });

  it('refuses to restore into a store that holds records', async () => {
    const source = await site('sqlite');
    const store = await storeOn(source);
    await fill(store, 0, 5);
    const out = join(await mkdtemp(join(tmpdir(), 'bes-backup-file-')), 'b.gz');
    await backupStore(store.backend, 'sqlite', source.files, out);
    await expect(restoreStore(store.backend, source.files, out)).rejects.toBeInstanceOf(RestoreTargetNotEmptyError);
    expect((await store.head()).size).toBe(5);
    await store.close();
  });
});
