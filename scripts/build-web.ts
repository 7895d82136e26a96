/**
 * Builds the browser UI into web/dist with Vite (about 2 s). `--if-stale` builds only when web/dist is
 * missing or older than anything under web/src, web/public, web/index.html or web/vite.config.ts: that is
 * what `npm start` runs first, so a fresh clone serves the UI and an unchanged checkout starts at once.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { build as viteBuild } from 'vite';

const WEB = resolve(import.meta.dirname, '../web');
const DIST_INDEX = join(WEB, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) => join(WEB, p));

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time of a file or of anything in a folder. */
async function newest(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of await readdir(path)) latest = Math.max(latest, await newest(join(path, entry)));
  return latest;
}

/** Whether web/dist must be (re)built. */
export async function isStale(): Promise<{ stale: boolean; why: string }> {
  const built = await mtime(DIST_INDEX);
  if (built === undefined) return { stale: true, why: 'web/dist is missing' };
  const sources = Math.max(...(await Promise.all(SOURCES.map(newest))));
  return sources > built ? { stale: true, why: 'web/src changed since the last build' } : { stale: false, why: 'web/dist is up to date' };
}

async function main(argv: readonly string[]): Promise<number> {
  const check = await isStale();
  if (argv.includes('--if-stale') && !check.stale) return 0;
  let build: typeof viteBuild;
  try {
    ({ build } = await import('vite'));
  } catch {
    // An install without dev dependencies has no Vite: a build made earlier still serves.
    const have = (await mtime(DIST_INDEX)) !== undefined;
    console.error(`build-web: Vite is not installed (npm ci installs it); ${have ? 'serving the existing, older build' : 'the web UI will not be available'}`);
    return have ? 0 : 1;
  }
  const started = Date.now();
  console.log(`Building the web UI (${check.why})…`);
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  console.log(`Built the web UI into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('build-web.ts')) {
  process.exitCode = await main(process.argv.slice(2));
}
