/**
 * Everything `bes serve` runs, in the order it must start and the reverse order it stops: the ledger, the
 * engine, identity, the demo site (first start, demo mode), process data over MQTT, the simulator, and the
 * HTTP application with every route and its access rule.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { Config } from '../config.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { openIdentity } from '../identity/open-identity.ts';
import { registerPerson } from '../identity/register-person.ts';
import { provisionDemoAccounts, readDemoAccounts, type DemoAccounts } from '../demo/demo-accounts.ts';
import { seedDemoSite, DEMO_SITE } from '../demo/seed.ts';
import { createSimClock } from '../demo/sim-clock.ts';
import { startSimulator, type Simulator } from '../demo/simulator.ts';
import { startMqttIngest, type MqttIngest } from '../ingest/mqtt-ingest.ts';
import { openSqliteSamples } from '../ingest/sqlite-samples.ts';
import { openPostgresSamples } from '../ingest/postgres-samples.ts';
import type { SampleStore } from '../ingest/sample-store.ts';
import { openStore, sqliteFile } from '../store/open-store.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import { RECORD_READER_ROLES } from './record/readers.ts';
import { registerRecordRoutes } from './record/record-routes.ts';
import { registerStreamRoutes } from './stream/stream-routes.ts';
import { createAuthentication, createSigner, registerAuthRoutes } from './auth/index.ts';
import type { AccessTable } from './access.ts';
import { createApp } from './app.ts';
import type { Logger } from './hygiene.ts';
import { registerDemoRoutes } from './demo-routes.ts';
import { VERSION } from '../version.ts';
import { openTimerStore } from '../timers/open-timer-store.ts';
import { createQualityRuntime } from '../engine/quality-runtime.ts';
import { loadRoutingFile } from '../engine/quality-routing.ts';

export interface ServerOptions {
  readonly config: Config;
  /** Browser origins allowed with credentials (exact). */
  readonly corsOrigins?: readonly string[];
  readonly log?: (line: string) => void;
  /** Folder of the example procedures the demo publishes. */
  readonly proceduresDir?: string;
  /** The HTTP request log (default: the console). */
  readonly logger?: Logger;
  /** Decision routing (default BES_ROUTING, else config/routing.example.yaml). */
  readonly routingFile?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly store: LedgerStore;
  readonly engine: Engine;
  readonly demo: DemoAccounts | undefined;
  close(): Promise<void>;
}

/** Access rules of the routes the identity, record and stream modules add (the API's own are in access.ts). */
export const MODULE_ACCESS: AccessTable = {
  'POST /api/session': { kind: 'public' },
  'GET /api/session': { kind: 'authenticated' },
  'DELETE /api/session': { kind: 'authenticated' },
  'POST /api/session/esignature-acknowledgement': { kind: 'authenticated' },
  'PUT /api/people/:id/password': { kind: 'authenticated' },
  'POST /api/people/:id/unlock': { kind: 'roles', roles: ['admin'], action: 'Unlocking an account' },
  'POST /api/tokens': { kind: 'roles', roles: ['admin'], action: 'Issuing an API token' },
  'GET /api/tokens': { kind: 'roles', roles: ['admin'], action: 'Listing API tokens' },
  'DELETE /api/tokens/:id': { kind: 'roles', roles: ['admin'], action: 'Revoking an API token' },
  'GET /api/batches/:id/record': { kind: 'roles', roles: RECORD_READER_ROLES, action: 'Reading a batch record' },
  'GET /api/batches/:id/record.html': { kind: 'roles', roles: RECORD_READER_ROLES, action: 'Reading a batch record' },
  'GET /api/stream': { kind: 'authenticated' },
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  await mkdir(config.dataDir, { recursive: true });
  // The demo's history is written in simulated time; afterwards the clock is the real one.
  const clock = createSimClock();
  const store = await openStore(config, { clock: clock.now });
  const engine = createEngine({ store, clock: clock.now });
  const identity = await openIdentity({ config, engine });
  const timers = await openTimerStore(config);
  const stops: (() => Promise<void>)[] = [() => store.close(), () => identity.close(), () => timers.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`bes serve: while stopping: ${String(error)}`));
  };
  try {
    // Deviations, decisions, CAPA and change control: routed by the site's configuration, on durable timers.
    const routing = loadRoutingFile(options.routingFile ?? process.env.BES_ROUTING ?? resolve(import.meta.dirname, '../../config/routing.example.yaml'));
    const quality = createQualityRuntime({ engine, timers, routing, clock: clock.now, onError: (error) => log(`quality: ${String(error)}`) });
    stops.push(() => quality.stop());
    let demo: DemoAccounts | undefined;
    if (config.demo) {
      if ((await store.head()).size === 0) {
        const started = Date.now();
        const summary = await seedDemoSite({ engine, clock, quality, proceduresDir: options.proceduresDir ?? resolve(import.meta.dirname, '../../examples/procedures') });
        demo = await provisionDemoAccounts(identity.identity, config.dataDir);
        log(`demo site ${summary.site} seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary.completedBatches} batches, ${summary.deviations} deviations, ${summary.refusedAttempts} refused mistakes, batch ${summary.inProgress} in progress`);
      } else {
        demo = await readDemoAccounts(config.dataDir);
      }
    }

    quality.start(1_000);

    let ingest: MqttIngest | undefined;
    if (config.mqttUrl !== undefined) {
      const samples: SampleStore = config.databaseUrl === undefined ? openSqliteSamples(sqliteFile(config.dataDir)) : await openPostgresSamples(config.databaseUrl);
      stops.push(() => samples.close());
      ingest = await startMqttIngest({ url: config.mqttUrl, engine, samples, log });
      const running = ingest;
      stops.push(() => running.stop());
    }
    let simulator: Simulator | undefined;
    if (config.simulate) {
      simulator = startSimulator({ engine, site: DEMO_SITE, line: 'L1-', log, quality });
      const running = simulator;
      stops.push(() => running.stop());
    }

    const app = createApp({
      store,
      engine,
      version: VERSION,
      authenticate: createAuthentication(identity.identity),
      signer: createSigner(identity.identity),
      corsOrigins: options.corsOrigins ?? [],
      now: () => new Date(),
      access: MODULE_ACCESS,
      ...(options.logger ? { logger: options.logger } : {}),
      registerPerson: (person, actor, opts) => registerPerson(identity.identity, person, actor, opts),
      registerPublicRoutes: (api) => {
        registerDemoRoutes(api, () => demo);
      },
      registerRoutes: (api) => {
        registerAuthRoutes(api, identity.identity);
        registerRecordRoutes(api, { store, keysDir: config.ledger.keysDir });
        registerStreamRoutes(api, { store });
      },
    });

    const server = await new Promise<ReturnType<typeof serve>>((resolveListening, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveListening(s));
      s.once('error', reject);
    });
    stops.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          // Live streams never end by themselves; without this, close would wait for every browser tab.
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    return { url, port, store, engine, demo, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
