/**
 * The browser UI has its own TypeScript settings (DOM, JSX, bundler resolution: web/tsconfig.json), which
 * the project's `tsc -p tsconfig.json` does not cover; this checks it as part of `npm test`.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('web/', () => {
  it('type-checks under web/tsconfig.json', async () => {
    const tsc = resolve(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', 'web/tsconfig.json'], { cwd: ROOT }).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
