/**
 * MQTT ingestion of live process data. Topics are `<prefix>/<site>/<source>` where the source is an
 * equipment id and measurement (`openbes/PLANT-A/L1-P-01/compression-force`) or a literal tag; the payload
 * is a number, as text or as JSON `{"value": 17.2}`. Every sample is stored with the server's time of
 * receipt; a sample that moves a watched tag across its specification starts or ends an excursion on the
 * batch, through the engine like any command (the rule is the domain's: excursionCommandFor).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import type { Actor } from '../domain/shared/decider.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import { excursionCommandFor, PROCESS_DATA_ACTOR } from '../domain/execution/decide-process.ts';
import { evaluateNumber } from '../domain/execution/limits.ts';
import { executeBatchCommand } from '../engine/batch-commands.ts';
import type { Engine } from '../engine/engine.ts';
import type { ProcessSample, SampleStore } from './sample-store.ts';
import { watchTags, type Watcher, type WatchedTags } from './watched-tags.ts';

export interface MqttIngestOptions {
  readonly url: string;
  readonly engine: Engine;
  readonly samples: SampleStore;
  /** First topic level (default `openbes`). */
  readonly topicPrefix?: string;
  readonly log?: (line: string) => void;
  /** How often buffered samples are written (default 250 ms). */
  readonly flushMs?: number;
}

export interface IngestStats {
  received: number;
  stored: number;
  rejected: number;
  excursionsStarted: number;
  excursionsEnded: number;
}

export interface MqttIngest {
  readonly stats: () => Readonly<IngestStats>;
  /** Writes what is buffered and waits for excursion commands in flight. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const JsonValue = z.object({ value: z.number().finite() });

/** The number a payload carries, or undefined when it carries none. */
export function sampleValue(payload: Buffer): number | undefined {
  const text = payload.toString('utf8').trim();
  if (text === '') return undefined;
  if (text.startsWith('{')) {
    try {
      const parsed = JsonValue.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.value : undefined;
    } catch {
      return undefined;
    }
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export async function startMqttIngest(options: MqttIngestOptions): Promise<MqttIngest> {
  const { engine, samples } = options;
  const prefix = options.topicPrefix ?? 'openbes';
  const log = options.log ?? (() => {});
  const stats: IngestStats = { received: 0, stored: 0, rejected: 0, excursionsStarted: 0, excursionsEnded: 0 };
  const watched: WatchedTags = await watchTags(engine);
  let buffer: ProcessSample[] = [];
  let writing = Promise.resolve();
  const perBatch = new Map<string, Promise<void>>();
  let lastRejectLog = 0;

  const write = () => {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing
      .then(() => samples.add(batch))
      .then(() => {
        stats.stored += batch.length;
      })
      .catch((error: unknown) => log(`process data: ${batch.length} samples could not be stored: ${String(error)}`));
    return writing;
  };
  const timer = setInterval(write, options.flushMs ?? 250);

  const actorAt = (site: string): Actor => ({ id: PROCESS_DATA_ACTOR, name: 'Process data interface', site, roles: [] });

  /** Sends the excursion command the domain calls for, one at a time per batch, on its current state. */
  const check = (watcher: Watcher, value: number) => {
    const previous = perBatch.get(watcher.batchId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const { state } = await engine.load<BatchState>('batch', watcher.batchId);
        const command = excursionCommandFor(state, watcher.stepId, watcher.tag, value);
        if (command === undefined) return;
        const outcome = await executeBatchCommand(engine, watcher.batchId, command, actorAt(watcher.site));
        if (!outcome.ok) {
          log(`process data: ${command.type} on ${watcher.batchId} refused: ${outcome.refusal.message}`);
          return;
        }
        if (command.type === 'ReportProcessExcursion') stats.excursionsStarted++;
        else stats.excursionsEnded++;
        await watched.refresh(watcher.batchId);
      })
      .catch((error: unknown) => log(`process data: ${watcher.batchId}: ${String(error)}`));
    perBatch.set(watcher.batchId, next);
  };

  const onMessage = (topic: string, payload: Buffer) => {
    stats.received++;
    const parts = topic.split('/');
    const value = sampleValue(payload);
    if (parts.length < 3 || parts[0] !== prefix || value === undefined) {
      stats.rejected++;
      if (Date.now() - lastRejectLog > 10_000) {
        lastRejectLog = Date.now();
        log(`process data: ignored a message on ${topic} (expected ${prefix}/<site>/<source> with a number)`);
      }
      return;
    }
    const site = parts[1]!;
    const source = parts.slice(2).join('/');
    buffer.push({ site, source, at: engine.now(), value });
    for (const watcher of watched.find(site, source)) {
      // Only a crossing of the specification can change the record; the state decides on it.
      const out = evaluateNumber(value, watcher.tag.limits) === 'out_of_spec';
      if (out !== watcher.open) check(watcher, value);
    }
  };

  const client: MqttClient = await mqtt.connectAsync(options.url, { clientId: `openbes-ingest-${process.pid}-${Date.now().toString(36)}`, reconnectPeriod: 2_000, connectTimeout: 5_000 });
  client.on('message', onMessage);
  client.on('error', (error) => log(`process data: MQTT error: ${error.message}`));
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  log(`process data: listening on ${options.url} (${prefix}/<site>/<source>), ${watched.size()} tags watched`);

  const flush = async () => {
    await write();
    await Promise.all(perBatch.values());
  };
  return {
    stats: () => ({ ...stats }),
    flush,
    async stop() {
      clearInterval(timer);
      await client.endAsync();
      watched.stop();
      await flush();
    },
  };
}
