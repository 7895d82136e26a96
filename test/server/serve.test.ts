/**
 * `bes serve` as `npm start` runs it: the public routes answer, and until the identity module is wired in
 * every other route refuses with 401 — the server never exposes an unauthenticated API.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { corsOriginsFrom } from '../../src/cli/commands/serve.ts';

const BES = resolve(import.meta.dirname, '../../bin/bes.js');

it('serves health, the OpenAPI document, the reference and the page, and refuses everything else with 401', { timeout: 60_000 }, async () => {
  const data = await mkdtemp(join(tmpdir(), 'bes-serve-'));
  const child = spawn(process.execPath, [BES, 'serve', '--port', '0', '--data', data], { env: { ...process.env, BES_DATABASE_URL: '', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (found) resolveUrl(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`bes serve exited with ${code}: ${out}`)));
    });
    for (const path of ['/api/health', '/api/openapi.json', '/api/docs', '/']) expect((await fetch(`${url}${path}`)).status, path).toBe(200);
    for (const [method, path] of [['GET', '/api/batches'], ['GET', '/api/people/olivia'], ['POST', '/api/sites']]) {
      const answer = await fetch(`${url}${path}`, { method, headers: { authorization: 'Bearer test:olivia@PLANT-A', 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(answer.status, path).toBe(401);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    await rm(data, { recursive: true, force: true });
  }
});

it('reads the CORS origins from BES_CORS_ORIGINS', () => {
  expect(corsOriginsFrom({ BES_CORS_ORIGINS: ' https://a.example , https://b.example,' })).toEqual(['https://a.example', 'https://b.example']);
  expect(corsOriginsFrom({})).toEqual([]);
});
