/** The options every command that opens the store shares. */
import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';

export interface StoreCliOptions {
  readonly data?: string;
  readonly databaseUrl?: string;
}

/** Adds `--data` and `--database-url` to a command. */
export function withStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'data folder (embedded database, ledger key, checkpoint file)').env('BES_DATA'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL instead of the embedded database (postgres://...)').env('BES_DATABASE_URL'));
}

export function configFrom(options: StoreCliOptions & { port?: string; host?: string; demo?: boolean; simulate?: boolean }): Config {
  return loadConfig({
    data: options.data,
    databaseUrl: options.databaseUrl,
    port: options.port,
    host: options.host,
    ...(options.demo !== undefined ? { demo: options.demo } : {}),
    ...(options.simulate !== undefined ? { simulate: options.simulate } : {}),
  });
}
