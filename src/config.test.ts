import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it.each([
    ['defaults', {}, {}, { dataDir: resolve('./data'), databaseUrl: undefined, port: 3000 }],
    ['environment', {}, { BES_DATA: '/srv/bes', PORT: '8080', BES_DATABASE_URL: 'postgres://db/bes' }, { dataDir: '/srv/bes', port: 8080, databaseUrl: 'postgres://db/bes' }],
    ['options win over environment', { data: '/opt/x', port: 9000 }, { BES_DATA: '/srv/bes', PORT: '8080' }, { dataDir: '/opt/x', port: 9000 }],
    ['demo on, simulator and MQTT off by default', {}, {}, { demo: true, simulate: false, mqttUrl: undefined }],
    ['production and live data', {}, { BES_DEMO: 'false', BES_SIMULATE: '1', BES_MQTT_URL: 'mqtt://broker:1883' }, { demo: false, simulate: true, mqttUrl: 'mqtt://broker:1883' }],
    ['the command line wins for demo and simulator', { demo: false, simulate: true }, { BES_DEMO: 'true', BES_SIMULATE: 'no' }, { demo: false, simulate: true }],
    ['empty variables count as unset', {}, { BES_DATA: '', BES_DATABASE_URL: '', PORT: '' }, { dataDir: resolve('./data'), databaseUrl: undefined, port: 3000 }],
  ])('%s', (_name, overrides, env, expected) => {
    expect(loadConfig(overrides, env)).toMatchObject(expected);
  });

  it('keeps the ledger key and checkpoint file in the data folder unless told otherwise', () => {
    const c = loadConfig({ data: '/srv/bes' }, {});
    expect(c.ledger).toMatchObject({ keysDir: '/srv/bes/keys', checkpointFile: '/srv/bes/checkpoints.jsonl', everyEvents: 1000, everyMs: 60_000 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ port: 'eighty' }, {}],
    [{ port: 70000 }, {}],
    [{ databaseUrl: 'mysql://x' }, {}],
    [{}, { BES_CHECKPOINT_EVERY_EVENTS: '0' }],
    [{}, { BES_LEDGER_NAME: 'has space' }],
    [{}, { BES_DEMO: 'maybe' }],
    [{}, { BES_MQTT_URL: 'http://broker' }],
  ])('refuses %j %j with a clear error', (overrides, env) => {
    expect(() => loadConfig(overrides, env)).toThrow(ConfigError);
  });
});
