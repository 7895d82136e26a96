/**
 * Process data through the real broker: a PX10 batch runs to compression on SQLite (and PostgreSQL for
 * the sample store), the press's compression force is published over MQTT, every sample is stored, and
 * crossing the specification starts and ends an excursion on the batch record with its deviation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchState } from '../../src/domain/execution/batch-state.ts';
import type { BatchEvent } from '../../src/domain/execution/batch-events.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { actorOf, setUpPlant } from '../../src/demo/plant.ts';
import { PEOPLE, px10Sequence } from '../../src/demo/px10-script.ts';
import { runScript } from '../../src/demo/run-script.ts';
import { startMqttIngest, sampleValue } from '../../src/ingest/mqtt-ingest.ts';
import { openSqliteSamples } from '../../src/ingest/sqlite-samples.ts';
import { openPostgresSamples } from '../../src/ingest/postgres-samples.ts';
import type { SampleStore } from '../../src/ingest/sample-store.ts';
import { brokerAvailable, requireBrokerInCi, TEST_BROKER_URL } from '../../src/ingest/test-broker.ts';
import { createLedgerStore } from '../../src/store/ledger-store.ts';
import { loadOrCreateLedgerKey } from '../../src/store/ledger/signing-key.ts';
import { openSqliteBackend } from '../../src/store/sqlite/backend.ts';
import { createTestDatabase, postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';

const SITE = 'PLANT-A';
const broker = await brokerAvailable();
requireBrokerInCi(broker);
const pg = await postgresAvailable();
requirePostgresInCi(pg);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('MQTT payloads', () => {
  it.each([
    ['17.5', 17.5],
    [' 3 ', 3],
    ['{"value": 12.25}', 12.25],
    ['{"value": "12"}', undefined],
    ['abc', undefined],
    ['', undefined],
    ['Infinity', undefined],
    ['{"value": 1', undefined],
  ])('%j carries %s', (payload, expected) => {
    expect(sampleValue(Buffer.from(payload))).toBe(expected);
  });
});

for (const samplesOn of ['sqlite', 'postgres'] as const) {
  const skip = !broker.ok || (samplesOn === 'postgres' && !pg.ok);
  const why = !broker.ok ? broker.reason : !pg.ok ? pg.reason : '';
  describe.skipIf(skip)(`process data over MQTT, samples on ${samplesOn}${skip ? ` (skipped: ${why})` : ''}`, () => {
    it('stores every sample and turns a crossing of the specification into an excursion with its deviation', { timeout: 60_000 }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'bes-mqtt-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const key = await loadOrCreateLedgerKey(join(dir, 'keys'), 'plant-a');
      const store = await createLedgerStore({ backend: openSqliteBackend({ file: join(dir, 'openbes.db') }), checkpoints: { key, file: join(dir, 'cp.jsonl'), everyEvents: 1000, everyMs: 0 } });
      cleanups.push(() => store.close());
      const engine = createEngine({ store });
      const { procedures } = await setUpPlant(engine, { site: SITE, proceduresDir: resolve(import.meta.dirname, '../../examples/procedures'), procedures: ['px10-compression.yaml'], prefix: 'L7-' });
      const actors = Object.fromEntries(await Promise.all(PEOPLE.map(async (p) => [p, await actorOf(engine, p, SITE)] as const)));
      const batchId = `MQTT-${samplesOn}`;
      const items = px10Sequence({ batchId, site: SITE, version: procedures[0]!.version, prefix: 'L7-', expiry: '2099-01-01' });
      const compressAt = items.findIndex((i) => i.command.type === 'StartStep' && (i.command.data as { stepId: string }).stepId === 'compress');
      await runScript({ engine, batchId, items: items.slice(0, compressAt + 1), actors });

      let samples: SampleStore;
      if (samplesOn === 'sqlite') samples = openSqliteSamples(join(dir, 'openbes.db'));
      else {
        const db = await createTestDatabase('bes_mqtt');
        cleanups.push(db.drop);
        samples = await openPostgresSamples(db.url);
      }
      cleanups.push(() => samples.close());
      // A prefix of its own, so parallel runs on the shared broker never see each other's messages.
      const topicPrefix = `openbes-test-${process.pid}-${samplesOn}`;
      const lines: string[] = [];
      const ingest = await startMqttIngest({ url: TEST_BROKER_URL, engine, samples, topicPrefix, log: (l) => lines.push(l), flushMs: 50 });
      cleanups.push(() => ingest.stop());
      const publisher = await mqtt.connectAsync(TEST_BROKER_URL);
      cleanups.push(() => publisher.endAsync());
      const topic = `${topicPrefix}/${SITE}/L7-P-01/compression-force`;
      const send = async (value: string) => {
        await publisher.publishAsync(topic, value, { qos: 1 });
      };

      for (const v of ['14.2', '15.1', '{"value": 16.0}']) await send(v);
      await send('not a number');
      await send('22.7'); // out of spec [10, 20]: an excursion starts
      await send('23.4'); // still out: nothing new
      await until(() => ingest.stats().excursionsStarted === 1, 'the excursion to start');
      await send('17.0'); // back in spec: it ends
      await until(() => ingest.stats().excursionsEnded === 1, 'the excursion to end');
      await send('16.5');
      await until(() => ingest.stats().received === 8, 'all messages');
      await ingest.flush();

      expect(ingest.stats()).toMatchObject({ received: 8, rejected: 1, stored: 7, excursionsStarted: 1, excursionsEnded: 1 });
      const stored = await samples.query({ site: SITE, source: 'L7-P-01/compression-force' });
      expect(stored.map((s) => s.value)).toEqual([14.2, 15.1, 16, 22.7, 23.4, 17, 16.5]);
      expect(stored.every((s, i) => i === 0 || s.at >= stored[i - 1]!.at)).toBe(true);

      const events = (await store.readStream(`batch-${batchId}`)).map((e) => ({ type: e.type, data: e.data }) as BatchEvent);
      const started = events.find((e) => e.type === 'ProcessExcursionStarted');
      expect(started?.data).toMatchObject({ stepId: 'compress', tag: 'press/compression-force', source: 'L7-P-01/compression-force', value: 22.7, unit: 'kN' });
      expect(events.find((e) => e.type === 'ProcessExcursionEnded')?.data).toMatchObject({ value: 17 });
      expect(events.find((e) => e.type === 'ExceptionRaised')?.data).toMatchObject({ severity: 'minor', group: 'process', deviationId: `${batchId}-D1` });
      expect((await engine.load<BatchState>('batch', batchId)).state.excursions).toEqual([]);
      expect(await store.getDocument('deviation', `${batchId}-D1`)).toBeDefined();
      expect(lines.filter((l) => /refused/.test(l))).toEqual([]);
    });
  });
}
