/** `bes serve`: what `npm start` runs. */
import { Command, Option } from 'commander';
import { mkdir } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import { openStore } from '../../store/open-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';
import { VERSION } from '../../version.ts';

/** Browser origins allowed to call the API (BES_CORS_ORIGINS, comma-separated, exact); none by default. */
export function corsOriginsFrom(env: NodeJS.ProcessEnv): string[] {
  return (env.BES_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

export function serveCommand(_setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('serve'))
    .description('serve OpenBES over HTTP (creates the data folder and database on first start)')
    .addOption(new Option('--port <port>', 'TCP port (0 picks a free one)').env('PORT'))
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST'))
    .action(async (options: StoreCliOptions & { port?: string; host?: string }) => {
      // Loaded here, not at the top: the other commands (and --help) need none of the HTTP application.
      const [{ createApp }, { refuseEveryone, signNothing }, { createEngine }] = await Promise.all([
        import('../../server/app.ts'),
        import('../../server/no-identity.ts'),
        import('../../engine/engine.ts'),
      ]);
      const config = configFrom(options);
      await mkdir(config.dataDir, { recursive: true });
      const store = await openStore(config);
      const engine = createEngine({ store });
      const app = createApp({
        store,
        engine,
        version: VERSION,
        // Until the identity branch is merged nobody can sign in: every route but health, the OpenAPI
        // document, the API reference and the placeholder page answers 401. The identity branch replaces
        // these two with its session/token authenticator and its signer (and adds its routes).
        authenticate: refuseEveryone,
        signer: signNothing,
        corsOrigins: corsOriginsFrom(process.env),
        now: () => new Date(),
      });
      await new Promise<void>((resolveStopped) => {
        const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
          const where = config.databaseUrl === undefined ? `data in ${config.dataDir}` : 'data in PostgreSQL';
          console.log(`OpenBES ${VERSION} listening on http://${config.host}:${info.port} (${where}); API reference at /api/docs`);
        });
        server.on('error', (error) => {
          console.error(`bes serve: ${error.message}`);
          process.exitCode = 1;
          resolveStopped();
        });
        const stop = () => {
          server.close(() => resolveStopped());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await store.close();
    });
}
