/**
 * The published JSON Schema of the procedure language, generated from the zod schema so the two never
 * disagree. Editors (VS Code with the YAML extension, IntelliJ) use it for completion, help and validation.
 */
import { z } from 'zod';
import { procedureSchema } from './source-schema.ts';

export const PROCEDURE_SCHEMA_ID = 'https://openbes.org/schema/procedure.schema.json';

/** The JSON Schema (draft 2020-12) of a procedure document. */
export function procedureJsonSchema(): Record<string, unknown> {
  // io 'input': keys with a default are optional for the author, and the default shows in the editor.
  const generated = z.toJSONSchema(procedureSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: PROCEDURE_SCHEMA_ID, ...rest };
}

/** The schema file as committed in schema/procedure.schema.json. */
export function procedureJsonSchemaText(): string {
  return `${JSON.stringify(procedureJsonSchema(), null, 2)}\n`;
}
