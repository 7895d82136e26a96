/**
 * The example procedures are part of the documentation: each must parse and check clean, and validate against
 * the published JSON Schema, which must be exactly what `npm run schema` writes (so it cannot go stale).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { procedureJsonSchemaText } from './json-schema.ts';
import { parseProcedure } from './parse.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const EXAMPLES = join(ROOT, 'examples/procedures');
const SCHEMA_FILE = join(ROOT, 'schema/procedure.schema.json');
const examples = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml'));

describe('schema/procedure.schema.json', () => {
  it('is what npm run schema writes from the zod schema', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(procedureJsonSchemaText());
  });

  it('has an id, a title and help on properties, for editors', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { $id: string; title: string; properties: Record<string, { description?: string }> };
    expect(schema.$id).toMatch(/^https:\/\//);
    expect(schema.title).toBe('OpenBES procedure');
    for (const [key, property] of Object.entries(schema.properties)) expect(property.description, key).toBeTruthy();
  });
});

describe('examples/procedures', () => {
  const published = z.fromJSONSchema(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]);

  it('holds the three reference procedures', () => {
    expect(examples.sort()).toEqual(['cleaning-tablet-press.yaml', 'dhr-infusion-pump-assembly.yaml', 'px10-compression.yaml']);
  });

  it.each(examples)('%s parses and checks with no error and no warning', (name) => {
    const result = parseProcedure(readFileSync(join(EXAMPLES, name), 'utf8'), name);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(examples)('%s validates against the published JSON Schema', (name) => {
    const document: unknown = parseYaml(readFileSync(join(EXAMPLES, name), 'utf8'));
    const result = published.safeParse(document);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('the published schema refuses a misspelt key, as the parser does', () => {
    const document = parseYaml(readFileSync(join(EXAMPLES, 'cleaning-tablet-press.yaml'), 'utf8')) as { steps: Record<string, unknown>[] };
    document.steps[0] = { ...document.steps[0], standrad: '15m' };
    expect(published.safeParse(document).success).toBe(false);
  });
});
