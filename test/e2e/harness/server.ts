/**
 * The real server for the end-to-end tests: `bes serve` as a child process on a fresh data folder and a port
 * the system picks, with the demo plant seeded on first start, and the web UI built if it is stale.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

export interface RunningServer {
  /** Where the browser reaches it, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Builds web/dist when it is missing or older than web/src (as `npm start` does). */
export async function buildWebIfStale(): Promise<void> {
  await run(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'scripts/build-web.ts'), '--if-stale'], { cwd: ROOT, timeout: 120_000 });
}

/** Starts `bes serve` and resolves once it listens; rejects with its output if it exits or takes too long. */
export async function startServer(options: { timeoutMs?: number } = {}): Promise<RunningServer> {
  const data = await mkdtemp(join(tmpdir(), 'bes-e2e-'));
  let printed = '';
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/bes.js'), 'serve', '--data', data, '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, BES_DATA: '', BES_DATABASE_URL: '', PORT: '', HOST: '', BES_DEMO: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((found, fail) => {
    const timer = setTimeout(() => fail(new Error(`bes serve did not listen within ${options.timeoutMs ?? 90_000} ms:\n${printed}`)), options.timeoutMs ?? 90_000);
    const read = (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /listening on (http:\/\/[^\s;,)]+)/.exec(printed);
      if (match !== null) {
        clearTimeout(timer);
        found(match[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`bes serve exited with ${code} before listening:\n${printed}`));
    });
  });
  return {
    url,
    output: () => printed,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(data, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the ledger stops growing for a second: a server that seeds its demo plant after it starts
 * listening is then done, and every scenario starts from the whole plant.
 */
export async function waitUntilQuiet(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${url}/api/health`)).json()) as { log: { size: number } };
    if (health.log.size > 0 && health.log.size === last) return;
    last = health.log.size;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the server's ledger was still growing after ${timeoutMs} ms`);
}

/** The demo people and their passwords, as the server shows them in demo mode (GET /api/demo). */
export async function demoPasswords(url: string): Promise<Map<string, string>> {
  const answer = await fetch(`${url}/api/demo`);
  if (!answer.ok) throw new Error(`GET /api/demo answered ${answer.status}: the server does not run in demo mode, or has no demo endpoint`);
  const body = (await answer.json()) as { people: { username: string; password: string }[] };
  return new Map(body.people.map((p) => [p.username, p.password]));
}
