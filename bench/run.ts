/**
 * Benchmark runner: `npm run bench [-- --quick] [-- --only store[,engine]]`.
 *
 * Runs every benchmark module listed in MODULES whose file exists, prints each one's table and writes its
 * figures to bench/results/<name>.json. A module is a file bench/<name>.bench.ts exporting
 * `run(context: BenchContext): Promise<BenchResult>`; to add one, create the file (engine and http are
 * already listed and are simply skipped while their files do not exist).
 *
 * These are benchmarks, not tests: nothing here asserts on timings.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What the runner hands to every module. */
export interface BenchContext {
  /** Smaller counts and shorter phases, for a smoke run. */
  readonly quick: boolean;
  /** The repository's root folder. */
  readonly repoRoot: string;
  /** bench/results/: where JSON is written; modules may keep scratch folders named *.tmp here (git-ignored). */
  readonly resultsDir: string;
  /** Progress lines (stderr), so that stdout holds only the tables. */
  readonly log: (line: string) => void;
}

/** What a module returns: the printed table and the figures written to bench/results/<name>.json. */
export interface BenchResult {
  readonly table: string;
  readonly json: Record<string, unknown>;
}

interface BenchModule {
  run(context: BenchContext): Promise<BenchResult>;
}

/** Every benchmark, in the order they run. */
const MODULES: readonly { readonly name: string; readonly file: string }[] = [
  { name: 'store', file: 'store.bench.ts' },
  { name: 'engine', file: 'engine.bench.ts' },
  { name: 'http', file: 'http.bench.ts' },
];

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const resultsDir = join(benchDir, 'results');

function parseArgs(argv: readonly string[]): { quick: boolean; only: string[] | undefined } {
  let quick = false;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (value === undefined || value === '') throw new Error('--only needs a module name, e.g. --only store');
      only = [...(only ?? []), ...value.split(',').filter((n) => n !== '')];
    } else if (arg === '--help' || arg === '-h') {
      console.log(`usage: npm run bench -- [--quick] [--only ${MODULES.map((m) => m.name).join('|')}[,...]]`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (want --quick and/or --only <module>)`);
  }
  const unknown = only?.filter((n) => !MODULES.some((m) => m.name === n)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark module ${unknown.join(', ')}; known: ${MODULES.map((m) => m.name).join(', ')}`);
  }
  return { quick, only };
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`  · ${line}\n`);
  await mkdir(resultsDir, { recursive: true });
  let failed = 0;
  for (const { name, file } of MODULES) {
    if (only !== undefined && !only.includes(name)) continue;
    const path = join(benchDir, file);
    if (!existsSync(path)) {
      if (only !== undefined) {
        console.error(`bench ${name}: ${relative(repoRoot, path)} does not exist yet`);
        failed++;
      }
      continue;
    }
    process.stderr.write(`bench ${name}${quick ? ' (quick)' : ''}\n`);
    const started = performance.now();
    try {
      const module = (await import(pathToFileURL(path).href)) as BenchModule;
      const result = await module.run({ quick, repoRoot, resultsDir, log });
      const out = join(resultsDir, `${name}.json`);
      await writeFile(out, `${JSON.stringify(result.json, null, 2)}\n`);
      console.log(result.table);
      console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s; figures in ${relative(repoRoot, out)})\n`);
    } catch (error) {
      failed++;
      console.error(`bench ${name} failed:`, error);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
