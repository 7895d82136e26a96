/** The UI is served beside the API: assets cached for good, pages revalidated, client routes, never /api. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFor, registerWebApp } from './register-web-app.ts';

let dist: string;
let app: Hono;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'bes-web-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dist, 'favicon.svg'), '<svg/>');
  await writeFile(join(tmpdir(), 'bes-web-secret.txt'), 'secret');
  app = new Hono();
  app.get('/api/health', (c) => c.json({ status: 'ok' }));
  registerWebApp(app, { distDir: dist });
  app.notFound((c) => c.json({ code: 'not_found' }, 404));
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
  await rm(join(tmpdir(), 'bes-web-secret.txt'), { force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('registerWebApp', () => {
  it('serves hashed assets as immutable and index.html as revalidated', async () => {
    const asset = await app.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const page = await app.request('/', { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('id="root"');
    const icon = await app.request('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a client route with index.html, a missing asset with 404', async () => {
    const route = await app.request('/batches/PX10-261125-1.a/steps/compress', { headers: html });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('id="root"');
    expect((await app.request('/assets/index-old.js')).status).toBe(404);
    expect((await app.request('/data.json', { headers: { accept: 'application/json' } })).status).toBe(404);
  });

  it('leaves /api to the API: its routes answer, an unknown one is a 404, never the page', async () => {
    expect(await (await app.request('/api/health', { headers: html })).json()).toEqual({ status: 'ok' });
    const missing = await app.request('/api/no-such-route', { headers: html });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'not_found' });
  });

  it('never serves a file outside the build folder', async () => {
    expect(fileFor(dist, '/../bes-web-secret.txt')).toBeUndefined();
    expect(fileFor(dist, '/%2e%2e/bes-web-secret.txt')).toBeUndefined();
    expect(fileFor(dist, '/a%00b')).toBeUndefined();
    const escaped = await app.request('/%2e%2e/bes-web-secret.txt', { headers: html });
    expect(await escaped.text()).not.toContain('secret');
  });

  it('says how to build the UI when there is no build', async () => {
    const bare = new Hono();
    registerWebApp(bare, { distDir: join(dist, 'nothing-here') });
    const page = await bare.request('/', { headers: html });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build:web');
  });
});
