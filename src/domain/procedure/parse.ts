/**
 * From the YAML a process engineer writes to the ProcedureDefinition the engine enforces, or to a precise
 * list of what is wrong and where (line and column): YAML syntax, then the schema of the language, then
 * normalisation, then the checker.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { ProcedureDefinition } from './definition.ts';
import { error, hasErrors, warning, type Diagnostic } from './diagnostic.ts';
import { checkProcedure } from './check.ts';
import { normalise } from './normalise.ts';
import { schemaDiagnostics } from './schema-issues.ts';
import { procedureSchema } from './source-schema.ts';
import { locate } from './yaml-locate.ts';

export type { Diagnostic } from './diagnostic.ts';

/** A definition (with warnings), or the errors that prevent one. */
export type ParseResult = { ok: true; definition: ProcedureDefinition; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: "a procedure file holds one document: remove the '---' separator",
  DUPLICATE_KEY: 'this key is written twice in the same map',
  TAB_AS_INDENT: 'tabs are not allowed for indentation in YAML: indent with spaces',
};

/** Parses and checks one procedure document; `file` is only copied into the diagnostics. */
export function parseProcedure(text: string, file?: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const finish = (diagnostics: Diagnostic[]): Diagnostic[] => {
    const placed = diagnostics.map((d) => {
      const at = d.line === undefined ? locate(doc, lines, d.path, { atKey: d.code === 'unknown_key' }) : { line: d.line, column: d.column ?? 1 };
      return { ...(file === undefined ? {} : { file }), ...d, ...(at ? { line: at.line, column: at.column } : {}) };
    });
    return placed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  };

  const yamlProblems = [
    ...doc.errors.map((e) => ({ ...error('yaml_syntax', YAML_MESSAGES[e.code] ?? lowerFirst(e.message), []), ...position(lines, e.pos[0]) })),
    ...doc.warnings.map((w) => ({ ...warning('yaml_warning', lowerFirst(w.message), []), ...position(lines, w.pos[0]) })),
  ];
  if (doc.errors.length > 0) return { ok: false, diagnostics: finish(yamlProblems) };

  let data: unknown;
  try {
    // A bounded alias expansion: a document of nested aliases could otherwise grow without limit.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (caught) {
    const message = caught instanceof Error ? lowerFirst(caught.message) : 'the document cannot be read';
    return { ok: false, diagnostics: finish([...yamlProblems, error('yaml_syntax', message, [])]) };
  }
  const parsed = procedureSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues as unknown as Parameters<typeof schemaDiagnostics>[1];
    const diagnostics = typeof data === 'object' && data !== null && !Array.isArray(data)
      ? schemaDiagnostics(procedureSchema, issues, data)
      : [error('not_a_procedure', 'this is not a procedure: the document must be a map that starts with procedure:, title: and steps:', [])];
    return { ok: false, diagnostics: finish([...yamlProblems, ...diagnostics]) };
  }

  const { definition, diagnostics: normalising } = normalise(parsed.data);
  const diagnostics = finish([...yamlProblems, ...normalising, ...checkProcedure(definition)]);
  return hasErrors(diagnostics) ? { ok: false, diagnostics } : { ok: true, definition, diagnostics };
}

function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
