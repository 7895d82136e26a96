/** `bes serve`: what `npm start` runs. */
import { Command, Option } from 'commander';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';
import { VERSION } from '../../version.ts';

/** Browser origins allowed to call the API (BES_CORS_ORIGINS, comma-separated, exact); none by default. */
export function corsOriginsFrom(env: NodeJS.ProcessEnv): string[] {
  return (env.BES_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

interface ServeOptions extends StoreCliOptions {
  port?: string;
  host?: string;
  demo?: boolean;
  simulate?: boolean;
}

export function serveCommand(_setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('serve'))
    .description('serve OpenBES over HTTP (creates the data folder and database on first start; in demo mode, the demo site)')
    .addOption(new Option('--port <port>', 'TCP port (0 picks a free one)').env('PORT'))
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST'))
    .option('--no-demo', 'production: no demo site, no demo passwords (or BES_DEMO=false)')
    .option('--simulate', 'run the plant simulator on the demo line (or BES_SIMULATE=true)')
    .action(async (options: ServeOptions) => {
      // commander sets demo=true unless --no-demo; only an explicit --no-demo overrides the environment.
      const config = configFrom({ ...options, ...(options.demo === false ? { demo: false } : {}), ...(options.simulate ? { simulate: true } : {}) });
      // The server's modules load only when serving, so that `bes --help` and the other commands start fast.
      const { startServer } = await import('../../server/start-server.ts');
      const server = await startServer({ config, corsOrigins: corsOriginsFrom(process.env) });
      const where = config.databaseUrl === undefined ? `data in ${config.dataDir}` : 'data in PostgreSQL';
      console.log(`OpenBES ${VERSION} listening on ${server.url} (${where}); API reference at ${server.url}/api/docs`);
      if (server.demo !== undefined) {
        console.log(`demo mode — sign in at ${server.url} as any of (site ${server.demo.site}):`);
        for (const p of server.demo.people) console.log(`  ${p.username.padEnd(8)} ${p.password.padEnd(24)} ${p.name} (${p.roles.join(', ')})`);
      }
      await new Promise<void>((resolveStopped) => {
        process.once('SIGINT', () => resolveStopped());
        process.once('SIGTERM', () => resolveStopped());
      });
      await server.close();
    });
}
