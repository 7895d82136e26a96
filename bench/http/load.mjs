// The load generator, run as its own process so it never shares a CPU budget with the server's event loop
// unseen: `node bench/http/load.mjs '<json options>'` prints one JSON line with autocannon's figures.
//   node bench/http/load.mjs OPTIONS.json, with { url, method, headers, body, paths?: string[], connections, amount?, duration? }
// With `paths`, every request takes the next path (each batch's step is completed once).
import process from 'node:process';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

const options = JSON.parse(await readFile(process.argv[2], 'utf8'));
let next = 0;
const paths = options.paths;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  pipelining: 1,
  ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
  requests: [
    {
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(paths !== undefined ? { setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) } : {}),
    },
  ],
});
const l = result.latency;
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    seconds: result.duration,
    perSecond: result.requests.total / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: l.mean },
    statusCodes: result.statusCodeStats,
  })}\n`,
);
