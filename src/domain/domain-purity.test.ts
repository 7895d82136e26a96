/**
 * The domain is pure by construction: this test reads every source file under src/domain and fails on an
 * import of anything that does I/O, or on reading the clock or a random source. (ESLint says the same while
 * editing; this keeps it true even if the lint configuration changes.)
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = import.meta.dirname;
const ALLOWED_PACKAGES = new Set(['zod', 'yaml', '@marcbachmann/cel-js']);
const FORBIDDEN_CODE: [RegExp, string][] = [
  [/\bnew Date\(\s*\)/, 'reads the clock (new Date())'],
  [/\bDate\.now\(/, 'reads the clock (Date.now())'],
  [/\bMath\.random\(/, 'uses randomness (Math.random())'],
  // The Node process object, not a property called `process` (steps have process tags).
  [/(?<![.\w])process\.(env|argv|exit|cwd|hrtime|stdout|stderr|stdin|nextTick|memoryUsage|platform|pid)\b/, 'uses the Node process object'],
  [/\bperformance\.now\(/, 'reads a clock (performance.now())'],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('src/domain is pure', () => {
  const files = sources(ROOT);
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s imports only the domain and pure libraries', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const problems: string[] = [];
    for (const [, spec] of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      if (spec!.startsWith('.')) {
        if (/\/(store|server|engine|cli|ingest)\//.test(`/${spec}`)) problems.push(`imports the shell: ${spec}`);
      } else if (!ALLOWED_PACKAGES.has(spec!)) problems.push(`imports ${spec}`);
    }
    for (const [pattern, what] of FORBIDDEN_CODE) if (pattern.test(text)) problems.push(what);
    expect(problems).toEqual([]);
  });
});
