/**
 * Serves the browser UI (web/dist, built by scripts/build-web.ts) from the same origin as the API, so the
 * session cookie and CSRF rules need no exceptions. Hashed assets are cached for a year; index.html is
 * revalidated every time, so a new build is picked up at once. Any other GET that asks for HTML is a route
 * of the app (e.g. /batches/B-1) and gets index.html; /api/* is never answered here.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import type { Env } from 'hono';

/** Where `npm run build:web` writes the UI. */
export const DEFAULT_WEB_DIST = resolve(import.meta.dirname, '../../../web/dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names what it builds under /assets/ by content hash: a changed file gets a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export interface WebAppOptions {
  /** The built UI (default: web/dist of this checkout). */
  readonly distDir?: string;
}

/** The file under `root` a URL path names, or undefined when it would leave `root`. */
export function fileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept === '' || accept.includes('text/html') || accept.includes('*/*');
}

const notBuilt = (distDir: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenBES: the web UI is not built</title></head>
<body><h1>The web UI is not built</h1><p>No build of the browser UI was found in <code>${distDir.replace(/[<>&]/g, '')}</code>.
Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed) and reload.
The HTTP API is served as usual under <a href="/api/openapi.json">/api</a>.</p></body></html>`;

/** Adds the UI's routes; call it after the API routes so /api/* keeps its own answers and 404s. */
export function registerWebApp<E extends Env>(app: Hono<E>, options: WebAppOptions = {}): void {
  const root = resolve(options.distDir ?? DEFAULT_WEB_DIST);
  const index = join(root, 'index.html');

  const send = async (c: Context, file: string, cacheControl: string, status: 200 | 503 = 200) => {
    const body = await readFile(file);
    const headers = { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' };
    return c.req.method === 'HEAD' ? c.body(null, status, { ...headers, 'content-length': String(body.length) }) : c.body(body, status, headers);
  };

  const handler = async (c: Context, next: () => Promise<void>) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || path === '/api' || path.startsWith('/api/')) return next();
    const file = fileFor(root, path);
    if (file !== undefined && file !== root && (await isFile(file))) {
      return send(c, file, path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
    }
    // A missing asset is a 404 (an old tab asking for a file of a previous build); a page is the app's.
    if (path.startsWith('/assets/') || !wantsHtml(c)) return next();
    if (await isFile(index)) return send(c, index, REVALIDATE);
    return c.html(notBuilt(root), 503, { 'cache-control': REVALIDATE });
  };
  // Middleware rather than a route: it is no API endpoint, so access rules and the API's 404 stay as they are.
  app.use('*', handler);
}
