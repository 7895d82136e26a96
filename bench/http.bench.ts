/**
 * The HTTP benchmark: step completions over HTTP on loopback, each with its full rule checks, a durable
 * group-committed append and its projections, against the same server's `GET /api/health` — the framework's
 * own ceiling on this machine — so the result reads as a ratio. The server runs here; the load generator
 * (autocannon) runs in a child process of its own (bench/http/load.mjs).
 *
 * Each request completes the line clearance of its own batch (prepared beforehand through the engine), as
 * the operator signed in with a session cookie and CSRF token, exactly as the browser does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpus, loadavg } from 'node:os';
import type { BenchContext, BenchResult } from './run.ts';
import { inParallel } from './engine/plant-lines.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server/start-server.ts';
import { executeBatchCommand } from '../src/engine/batch-commands.ts';
import { actorOf } from '../src/demo/plant.ts';
import { DEMO_SITE } from '../src/demo/seed.ts';
import { PX10_PROCEDURE } from '../src/demo/px10-script.ts';
import type { ProcedureState } from '../src/domain/procedure/lifecycle.ts';

const run$ = promisify(execFile);

interface LoadFigures {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly statusCodes: Record<string, { count: number }>;
}

async function load(repoRoot: string, scratch: string, options: Record<string, unknown>): Promise<LoadFigures> {
  // Thousands of paths do not fit on a command line: the options travel in a file.
  const file = join(scratch, 'load-options.json');
  await writeFile(file, JSON.stringify(options));
  const { stdout } = await run$(process.execPath, [join(repoRoot, 'bench/http/load.mjs'), file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as LoadFigures;
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const { log, repoRoot, quick } = context;
  const batches = quick ? 600 : 2_000;
  const connections = [1, 10, 50];
  const dir = await mkdtemp(join(context.resultsDir, 'http-bench.tmp-'));
  const config = loadConfig({ data: dir, port: 0 }, { BES_LEDGER_NAME: 'bench', BES_CHECKPOINT_EVERY_SECONDS: '0' });
  // No request log: writing a line per request would be part of what is measured.
  const server = await startServer({ config, log: () => {}, logger: { info: () => {}, error: (...args: unknown[]) => console.error(...args) } });
  try {
    const password = (u: string) => server.demo!.people.find((p) => p.username === u)!.password;
    const { engine } = server;
    const version = (await engine.load<ProcedureState>('procedure', PX10_PROCEDURE)).state.versions.find((v) => v.status === 'effective')!.version;
    const sam = await actorOf(engine, 'sam', DEMO_SITE);
    const olivia = await actorOf(engine, 'olivia', DEMO_SITE);
    // Batches whose line clearance waits for completion: only the booth, no equipment, so they never contend.
    const ids = Array.from({ length: batches * connections.length }, (_, i) => `HTTP-${String(i).padStart(6, '0')}`);
    const t0 = Date.now();
    await inParallel(ids, 64, async (batchId) => {
      for (const [actor, command] of [
        [sam, { type: 'CreateBatch', data: { batchId, site: DEMO_SITE, procedure: PX10_PROCEDURE, version, batchSize: 150_000 } }],
        [olivia, { type: 'StartStep', data: { stepId: 'line-clearance' } }],
        [olivia, { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } }],
        [olivia, { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 15 } }],
      ] as const) {
        const outcome = await executeBatchCommand(engine, batchId, command, actor);
        if (!outcome.ok) throw new Error(`preparing ${batchId}: ${outcome.refusal.message}`);
      }
    });
    log(`http: ${ids.length} batches prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ username: 'olivia', password: password('olivia') }),
    });
    if (login.status !== 200) throw new Error(`sign-in answered ${login.status}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const headers = { cookie, 'x-csrf-token': csrfToken, origin: server.url, 'content-type': 'application/json', accept: 'application/json' };

    const rows: Record<string, unknown>[] = [];
    for (const [k, c] of connections.entries()) {
      const paths = ids.slice(k * batches, (k + 1) * batches).map((id) => `/api/batches/${id}/steps/line-clearance/complete`);
      const health = await load(repoRoot, dir, { url: `${server.url}/api/health`, connections: c, duration: quick ? 2 : 5 });
      const complete = await load(repoRoot, dir, { url: server.url, method: 'POST', headers, body: '{}', paths, connections: c, amount: paths.length });
      if (complete.non2xx > 0 || complete.errors > 0) throw new Error(`step completion: ${complete.non2xx} non-2xx, ${complete.errors} errors: ${JSON.stringify(complete.statusCodes)}`);
      const row = {
        connections: c,
        completions: { perSecond: Math.round(complete.perSecond), requests: complete.requests, latencyMs: complete.latencyMs },
        health: { perSecond: Math.round(health.perSecond), requests: health.requests, latencyMs: health.latencyMs },
        ratio: Number((complete.perSecond / health.perSecond).toFixed(3)),
        load: loadavg()[0],
      };
      log(`http: ${c} connection(s): ${row.completions.perSecond} completions/s (p50 ${complete.latencyMs.p50} ms, p99 ${complete.latencyMs.p99} ms) vs health ${row.health.perSecond}/s → ratio ${row.ratio}`);
      rows.push(row);
    }
    const table = [
      '| connections | step completions/s | p50 ms | p99 ms | GET /api/health/s | p99 ms | ratio |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((r) => {
        const x = r as { connections: number; completions: { perSecond: number; latencyMs: { p50: number; p99: number } }; health: { perSecond: number; latencyMs: { p99: number } }; ratio: number };
        return `| ${x.connections} | ${x.completions.perSecond.toLocaleString('en')} | ${x.completions.latencyMs.p50} | ${x.completions.latencyMs.p99} | ${x.health.perSecond.toLocaleString('en')} | ${x.health.latencyMs.p99} | ${x.ratio} |`;
      }),
    ].join('\n');
    return {
      table,
      json: {
        what: 'POST /api/batches/{id}/steps/line-clearance/complete over loopback with a session cookie and CSRF token (full rule checks, durable group-committed append, projections) vs GET /api/health on the same server; load generator autocannon in its own process',
        backend: 'sqlite',
        machine: { cpus: cpus().length, node: process.version },
        quick,
        rows,
      },
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
