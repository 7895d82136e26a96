/**
 * Configuration: defaults, then environment, then command-line options, parsed once into a frozen value.
 */
import { resolve, join } from 'node:path';
import { hostname } from 'node:os';

export interface Config {
  /** Folder for the embedded database, the ledger key and the checkpoint file. */
  readonly dataDir: string;
  /** PostgreSQL connection URL; when absent the embedded SQLite database is used. */
  readonly databaseUrl: string | undefined;
  readonly port: number;
  readonly host: string;
  /** MQTT broker for live process data (BES_MQTT_URL); ingestion is off when absent. */
  readonly mqttUrl: string | undefined;
  /** Seed the demo site on first start and show demo passwords (BES_DEMO, default on; off in production). */
  readonly demo: boolean;
  /** Run the plant simulator (BES_SIMULATE or `--simulate`). */
  readonly simulate: boolean;
  readonly ledger: {
    readonly name: string;
    readonly keysDir: string;
    readonly checkpointFile: string;
    readonly everyEvents: number;
    readonly everyMs: number;
  };
}

export interface ConfigOverrides {
  readonly data?: string;
  readonly databaseUrl?: string;
  readonly port?: string | number;
  readonly host?: string;
  readonly demo?: boolean;
  readonly simulate?: boolean;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

function flag(name: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined || text === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false, got ${text}`);
}

function integer(name: string, text: string | number | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = typeof text === 'number' ? text : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${String(text)}`);
  return n;
}

function mqttUrlOf(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^(mqtts?|wss?|tcp):\/\//.test(text)) throw new ConfigError('BES_MQTT_URL must start with mqtt://, mqtts://, ws:// or wss://');
  return text;
}

/** Reads the configuration from `env` and explicit overrides (command-line options win). */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`BES_DATA=`) means "not set", as a shell user would expect.
  const dataDir = resolve(overrides.data || env.BES_DATA || './data');
  const databaseUrl = overrides.databaseUrl || env.BES_DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('the database URL must start with postgres:// or postgresql://');
  }
  const keysDir = resolve(env.BES_KEYS ?? join(dataDir, 'keys'));
  const name = env.BES_LEDGER_NAME ?? `openbes-${hostname().replace(/[^A-Za-z0-9.-]/g, '-')}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new ConfigError('BES_LEDGER_NAME may hold letters, digits, ".", "_" and "-" only');
  return Object.freeze({
    dataDir,
    databaseUrl,
    port: integer('port', overrides.port !== undefined && overrides.port !== '' ? overrides.port : env.PORT, 3000, 0, 65535),
    host: overrides.host || env.HOST || '127.0.0.1',
    mqttUrl: mqttUrlOf(env.BES_MQTT_URL),
    demo: overrides.demo ?? flag('BES_DEMO', env.BES_DEMO, true),
    simulate: overrides.simulate ?? flag('BES_SIMULATE', env.BES_SIMULATE, false),
    ledger: Object.freeze({
      name,
      keysDir,
      checkpointFile: resolve(env.BES_CHECKPOINT_FILE ?? join(dataDir, 'checkpoints.jsonl')),
      everyEvents: integer('BES_CHECKPOINT_EVERY_EVENTS', env.BES_CHECKPOINT_EVERY_EVENTS, 1000, 1, 1e9),
      everyMs: integer('BES_CHECKPOINT_EVERY_SECONDS', env.BES_CHECKPOINT_EVERY_SECONDS, 60, 0, 86_400) * 1000,
    }),
  });
}
