/**
 * Test harness for the quality loop through the engine and the real store: a store on SQLite (a data folder)
 * or PostgreSQL (a database of its own), the engine and the timer tables on it, a clock the test moves,
 * and the quality runtime (reactor + scheduler) with the example routing. Opening the same place again is
 * a restarted server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Actor } from '../../src/domain/shared/decider.ts';
import { createEngine, type Engine, type Outcome } from '../../src/engine/engine.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { createQualityRuntime, type QualityRuntime } from '../../src/engine/quality-runtime.ts';
import { loadRoutingFile } from '../../src/engine/quality-routing.ts';
import type { RoutingConfig } from '../../src/domain/decisions/routing.ts';
import { must } from '../../src/demo/plant.ts';
import { createLedgerStore, type LedgerStore } from '../../src/store/ledger-store.ts';
import { loadOrCreateLedgerKey } from '../../src/store/ledger/signing-key.ts';
import { openSqliteBackend } from '../../src/store/sqlite/backend.ts';
import { openPostgresBackend } from '../../src/store/postgres/backend.ts';
import { createTestDatabase } from '../../src/store/postgres/test-database.ts';
import { openSqliteTimerStore } from '../../src/timers/sqlite/timer-store.ts';
import { openPostgresTimerStore } from '../../src/timers/postgres/timer-store.ts';
import type { TimerStore } from '../../src/timers/timer-store.ts';

export const SITE = 'PLANT-A';
export const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
export const ROUTING = loadRoutingFile(resolve(import.meta.dirname, '../../config/routing.example.yaml'));

export type Backend = 'sqlite' | 'postgres';

/** Where a world's data lives, so it can be opened again after a "restart". */
export interface Place {
  readonly backend: Backend;
  readonly dir: string;
  readonly url?: string;
}

export interface Clock {
  now: Date;
  advance(ms: number): void;
  readonly read: () => Date;
}

export function clockAt(iso: string): Clock {
  const clock = {
    now: new Date(iso),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    read: () => clock.now,
  };
  return clock;
}

export interface World {
  readonly store: LedgerStore;
  readonly engine: Engine;
  readonly timers: TimerStore;
  readonly runtime: QualityRuntime;
  close(): Promise<void>;
}

/** A new place for a world; `cleanups` gets what removes it. */
export async function newPlace(backend: Backend, cleanups: (() => Promise<void>)[]): Promise<Place> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-quality-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  if (backend === 'sqlite') return { backend, dir };
  const db = await createTestDatabase('bes_quality');
  cleanups.push(db.drop);
  return { backend, dir, url: db.url };
}

/** Opens (or reopens) the world at a place; `owner` names the process for timer claims. */
export async function openWorld(place: Place, clock: Clock, options: { owner?: string; routing?: RoutingConfig; leaseMs?: number } = {}): Promise<World> {
  const key = await loadOrCreateLedgerKey(join(place.dir, 'keys'), 'plant-a');
  const backend = place.backend === 'sqlite' ? openSqliteBackend({ file: join(place.dir, 'openbes.db') }) : await openPostgresBackend({ connectionString: place.url!, poolSize: 4 });
  const store = await createLedgerStore({ backend, clock: clock.read, checkpoints: { key, file: join(place.dir, 'checkpoints.jsonl'), everyEvents: 1000, everyMs: 0 } });
  const timers = place.backend === 'sqlite' ? await openSqliteTimerStore({ file: join(place.dir, 'openbes.db') }) : await openPostgresTimerStore({ connectionString: place.url! });
  const engine = createEngine({ store, clock: clock.read });
  const runtime = createQualityRuntime({
    engine,
    timers,
    routing: options.routing ?? ROUTING,
    clock: clock.read,
    owner: options.owner ?? 'test-process',
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    onRefused: (what, outcome) => {
      throw new Error(`the quality automation was refused ${what}: ${outcome.ok ? '' : `${outcome.refusal.code}: ${outcome.refusal.message}`}`);
    },
  });
  return {
    store,
    engine,
    timers,
    runtime,
    async close() {
      await runtime.stop();
      await timers.close();
      await store.close();
    },
  };
}

/** People the plant's staff lacks for quality work: a second QA, a QA lead and the site head. */
export const QUALITY_STAFF = [
  { id: 'quentin', name: 'Quentin QA', roles: ['qa'] },
  { id: 'lena', name: 'Lena QA Lead', roles: ['qa-lead'] },
  { id: 'hank', name: 'Hank Site Head', roles: ['leader'] },
] as const;

export async function addQualityStaff(engine: Engine, site: string): Promise<void> {
  const setup: Actor = { id: 'system:setup', name: 'Plant set-up', site, roles: ['admin'] };
  for (const p of QUALITY_STAFF) {
    must(await executeCommand(engine, 'person', p.id, { type: 'RegisterPerson', data: { personId: p.id, username: p.id, name: p.name } }, setup), `registering ${p.id}`);
    for (const role of p.roles) must(await executeCommand(engine, 'person', p.id, { type: 'GrantRole', data: { site, role } }, setup), `granting ${role} to ${p.id}`);
  }
}

/** Asserts an outcome was accepted, with the refusal in the message when it was not. */
export function ok(outcome: Outcome, what: string): Outcome {
  if (!outcome.ok) throw new Error(`${what} was refused: [${outcome.refusal.code}] ${outcome.refusal.message}`);
  return outcome;
}
