/**
 * Crash-test child process: opens the store in a data folder exactly as the server does (real ledger key,
 * checkpoint file and SQLite file) and appends under load until it is killed. It never exits on its own.
 *
 *   node bin/run-ts.js test/crash/append-worker.ts DATA_DIR [SEED]
 *
 * stdout: `READY` once the store is open, then one JSON line per append, written only after the append
 * resolved (was acknowledged): {"stream", "version", "first", "last", "key"}. Problems go to stderr.
 *
 * APPENDERS appenders run concurrently (so group commit writes several commands per transaction), each
 * owning STREAMS_PER_APPENDER streams, each command 1–3 events, an idempotency key and a projector that
 * keeps a per-stream counter document and a per-command document in the same transaction as the events.
 * Streams continue across restarts: each appender reads its streams' versions first and appends with that
 * exact expected version. Everything the test needs to rebuild a request from an acknowledgement line
 * (to replay it with its idempotency key) is exported from here.
 */
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { AppendRequest, EventStore, Projector } from '../../src/store/event-store.ts';

export const APPENDERS = 8;
export const STREAMS_PER_APPENDER = 3;
/** Read model: one `{count, lastPosition}` document per stream. */
export const COUNTERS = 'crash-counters';
/** Read model: one document per command, keyed by its idempotency key. */
export const COMMANDS = 'crash-commands';
export const ACTOR = 'system:crash-test';

/** One acknowledged append, as the worker prints it. */
export interface Ack {
  readonly stream: string;
  readonly version: number;
  readonly first: number;
  readonly last: number;
  readonly key: string;
}

export interface CounterDoc {
  readonly count: number;
  readonly lastPosition: number;
}

export interface CommandDoc {
  readonly stream: string;
  readonly first: number;
  readonly last: number;
  readonly version: number;
}

/** Payload of every event the worker appends: its command's key, its index and the command's size. */
export interface CrashEventData {
  readonly key: string;
  readonly i: number;
  readonly of: number;
}

export function streamName(appender: number, index: number): string {
  return `crash-a${appender}-s${index}`;
}

/** The key carries the event count, so the exact request can be rebuilt from an acknowledgement. */
export function commandKey(run: string, appender: number, seq: number, count: number): string {
  return `crash:${run}:${appender}:${seq}:${count}`;
}

export function eventCountOf(key: string): number {
  const count = Number(key.split(':').at(-1));
  if (!Number.isInteger(count) || count < 1) throw new Error(`not a crash-test key: ${key}`);
  return count;
}

const project =
  (key: string): Projector =>
  async (tx, events) => {
    const first = events[0]!;
    const last = events[events.length - 1]!;
    const counter = (await tx.get<CounterDoc>(COUNTERS, last.streamId)) ?? { count: 0, lastPosition: 0 };
    await tx.put(COUNTERS, last.streamId, { count: counter.count + events.length, lastPosition: last.globalPosition });
    const doc: CommandDoc = { stream: last.streamId, first: first.globalPosition, last: last.globalPosition, version: last.streamPosition };
    await tx.put(COMMANDS, key, doc);
  };

/** The request for `key` on `streamId`; the same arguments give the same request (same fingerprint). */
export function commandFor(streamId: string, key: string, expectedVersion: number): AppendRequest {
  const count = eventCountOf(key);
  const events = Array.from({ length: count }, (_, i) => {
    const data: CrashEventData = { key, i, of: count };
    return { type: i === 0 ? 'CrashCommandStarted' : 'CrashCommandContinued', data };
  });
  return { streamId, events, expectedVersion, actor: ACTOR, idempotencyKey: key, project: project(key) };
}

/** The request an acknowledgement line answered (its expected version was the version before it). */
export function commandOfAck(ack: Ack): AppendRequest {
  return commandFor(ack.stream, ack.key, ack.version - (ack.last - ack.first + 1));
}

/** Small seeded generator (mulberry32), so a run's choices can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function appendForever(store: EventStore, run: string, appender: number, random: () => number): Promise<never> {
  const streams = Array.from({ length: STREAMS_PER_APPENDER }, (_, i) => streamName(appender, i));
  // Continue where the previous (killed) process left off.
  const versions = await Promise.all(streams.map((s) => store.streamVersion(s)));
  for (let seq = 0; ; seq++) {
    const index = Math.floor(random() * STREAMS_PER_APPENDER);
    const stream = streams[index]!;
    const key = commandKey(run, appender, seq, 1 + Math.floor(random() * 3));
    try {
      const r = await store.append(commandFor(stream, key, versions[index]!));
      versions[index] = r.nextVersion;
      const ack: Ack = { stream: r.streamId, version: r.nextVersion, first: r.firstGlobalPosition, last: r.lastGlobalPosition, key };
      // stdout is a pipe: writes are synchronous on Linux, so the line is out before the next append starts.
      process.stdout.write(`${JSON.stringify(ack)}\n`);
    } catch (error) {
      // Never expected; the test fails on any stderr output. Resynchronise and go on.
      console.error(`[append-worker] append ${key} failed:`, error);
      versions[index] = await store.streamVersion(stream);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('usage: node bin/run-ts.js test/crash/append-worker.ts DATA_DIR [SEED]');
    process.exit(2);
  }
  const seed = Number(process.argv[3] ?? Date.now()) >>> 0;
  // Sign checkpoints often, so kills also land while one is appended to the checkpoint file and the database.
  process.env.BES_CHECKPOINT_EVERY_EVENTS ??= '50';
  const store = await openStore(loadConfig({ data: dir }), {
    onError: (error) => console.error('[append-worker] store error:', error),
  });
  // Unique per process, so idempotency keys never collide across restarts.
  const run = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  process.stdout.write('READY\n');
  const random = seededRandom(seed);
  for (let a = 0; a < APPENDERS; a++) {
    appendForever(store, run, a, random).catch((error: unknown) => console.error('[append-worker] appender died:', error));
  }
  // Stay alive even if every appender died: only SIGKILL ends this process.
  setInterval(() => {}, 1 << 30);
}

const entry = process.argv[1];
if (entry !== undefined && resolve(entry) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('[append-worker] could not start:', error);
    process.exit(1);
  });
}
