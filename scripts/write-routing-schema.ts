/**
 * Writes schema/routing.schema.json, the published JSON Schema of the decision routing file, from the zod
 * schema (`npm run schema`). The file is committed; a test fails when it is stale.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { routingJsonSchemaText } from '../src/domain/decisions/routing-schema.ts';

const target = resolve(import.meta.dirname, '../schema/routing.schema.json');
await writeFile(target, routingJsonSchemaText());
console.log(`wrote ${target}`);
