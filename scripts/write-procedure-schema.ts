/**
 * Writes schema/procedure.schema.json, the published JSON Schema of the procedure language, from the zod
 * schema (`npm run schema`). The file is committed; a test fails when it is stale.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { procedureJsonSchemaText } from '../src/domain/procedure/json-schema.ts';

const target = resolve(import.meta.dirname, '../schema/procedure.schema.json');
await writeFile(target, procedureJsonSchemaText());
console.log(`wrote ${target}`);
