/**
 * zod's issues with a procedure document, as diagnostics an engineer understands: which key is unknown (and
 * what they probably meant), which is missing (and what it is for), what a value must be. For "one of
 * several forms" (unions) the form the author evidently meant is reported, not all of them.
 */
import { z } from 'zod';
import { error, oneOf, suggestion, type Diagnostic } from './diagnostic.ts';

type Path = (string | number)[];

/** The fields of zod's issues this module reads. */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly expected?: string;
  readonly keys?: readonly string[];
  readonly values?: readonly unknown[];
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly errors?: readonly (readonly Issue[])[];
  readonly issues?: readonly Issue[];
  readonly note?: string;
  readonly options?: readonly unknown[];
}

/** Diagnostics for the issues zod found validating `data` against `schema`. */
export function schemaDiagnostics(schema: z.ZodType, issues: readonly Issue[], data: unknown): Diagnostic[] {
  return issues.flatMap(flatten).flatMap((issue) => describeIssue(schema, issue, data));
}

/** Of a union's alternatives, follows the one whose shape the value has (fewest problems); else keeps the union. */
function flatten(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const fitting = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
  if (fitting.length === 0) return [issue];
  const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((i) => flatten({ ...i, path: [...issue.path, ...i.path] }));
}

function describeIssue(schema: z.ZodType, issue: Issue, data: unknown): Diagnostic[] {
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const step = stepOf(data, path);
  const value = valueAt(data, path);
  const subject = subjectOf(path);
  const custom = isCustom(issue.message) ? issue.message : undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema, path, data);
      // Text with a comma inside { … } splits into a new "key": say so, it is the usual cause.
      const comma = (key: string) => (/\s/.test(key) ? '; if it is text after a comma inside { }, put the whole text in quotes' : '');
      return (issue.keys ?? []).map((key) =>
        error('unknown_key', `unknown key '${key}'${suggestion(key, allowed)}${comma(key)}${allowed.length ? `; allowed here: ${allowed.join(', ')}` : ''}`, [...path, key], step),
      );
    }
    case 'invalid_type': {
      if (value === undefined) {
        const key = String(path[path.length - 1]);
        const about = descriptionAt(schema, path, data);
        return [error('missing_key', `'${key}' is required here${about ? `: ${lowerFirst(about).replace(/\.$/, '')}` : ''}`, path.slice(0, -1), step)];
      }
      return [error('wrong_type', `${subject} must be ${custom ?? expectedWords(issue.expected)}, not ${received(value)}`, path, step)];
    }
    case 'invalid_union': {
      if (issue.note === 'No matching discriminator') {
        const options = (issue.options ?? []).map(String);
        return [error('invalid_value', `${subject} must be one of ${oneOf(options)}, not ${received(value)}${suggestion(String(value), options)}`, path, step)];
      }
      return [error('wrong_type', `${subject} must be ${custom ?? 'in one of the accepted forms'}, not ${received(value)}`, path, step)];
    }
    case 'invalid_value': {
      const options = (issue.values ?? []).map(String);
      return [error('invalid_value', `${subject} must be ${options.length === 1 ? `'${options[0]}'` : `one of ${oneOf(options)}`}, not ${received(value)}${suggestion(String(value), options)}`, path, step)];
    }
    case 'invalid_format':
      return [error('invalid_format', `${subject} must be ${custom ?? 'in the expected format'}, not ${received(value)}`, path, step)];
    case 'too_small':
    case 'too_big': {
      if (custom) return [error('out_of_range', `${subject} must be ${custom}`, path, step)];
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const limit = issue.code === 'too_small' ? 'at least' : 'at most';
      const what = issue.origin === 'array' ? `${limit} ${bound} item${bound === 1 ? '' : 's'}` : `${limit} ${bound}`;
      return [error('out_of_range', `${subject} must ${issue.origin === 'array' ? 'have' : 'be'} ${what}, not ${received(value)}`, path, step)];
    }
    case 'invalid_key': {
      const nested = issue.issues?.[0]?.message;
      const key = String(path[path.length - 1]);
      return [error('invalid_name', `'${key}' is not a valid name here: it must be ${nested && isCustom(nested) ? nested : 'a name of letters, digits and _'}`, path, step)];
    }
    default:
      return [error('invalid_value', `${subject}: ${issue.message}`, path, step)];
  }
}

/** Messages written in our schema read as "must be …"; zod's own start with these words. */
function isCustom(message: string): boolean {
  return !/^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(message);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** "'samples'", "item 2 of 'after'", "the document". */
function subjectOf(path: Path): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the document';
  if (typeof last === 'number') {
    const owner = path[path.length - 2];
    return `item ${last + 1} of '${String(owner)}'`;
  }
  return `'${last}'`;
}

function expectedWords(expected: string | undefined): string {
  const words: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a map of keys and values',
    tuple: 'a list',
    record: 'a map of names to values',
  };
  return words[expected ?? ''] ?? expected ?? 'something else';
}

function received(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'a map';
  return String(value);
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function stepOf(data: unknown, path: Path): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  const id = valueAt(data, ['steps', path[1], 'id']);
  return typeof id === 'string' ? id : undefined;
}

/** The schemas that may describe the value at `path` (union alternatives resolved by the value where possible). */
function schemasAt(schema: z.ZodType, path: Path, data: unknown): z.ZodType[] {
  let current = expand(schema, data);
  let value = data;
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      if (s instanceof z.ZodObject && typeof segment === 'string' && segment in s.shape) next.push(s.shape[segment] as z.ZodType);
      else if (s instanceof z.ZodArray && typeof segment === 'number') next.push(s.element as z.ZodType);
      else if (s instanceof z.ZodRecord && typeof segment === 'string') next.push(s.valueType as z.ZodType);
    }
    value = valueAt(value, [segment]);
    current = next.flatMap((s) => [s, ...expand(s, value)]);
  }
  return current;
}

/** Unwraps optional/default/nullable and opens unions; a discriminated union opens only the matching option. */
function expand(schema: z.ZodType, value: unknown): z.ZodType[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodUnion) {
    let options = s.options as z.ZodType[];
    if (s instanceof z.ZodDiscriminatedUnion && typeof value === 'object' && value !== null) {
      const tag = (value as Record<string, unknown>)[s.def.discriminator];
      const matching = options.filter((o) => o instanceof z.ZodObject && (o.shape[s.def.discriminator] as z.ZodType | undefined)?.safeParse(tag).success);
      if (matching.length > 0) options = matching;
    }
    return options.flatMap((o) => expand(o, value));
  }
  return [s];
}

function allowedKeys(schema: z.ZodType, path: Path, data: unknown): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path, data)) if (s instanceof z.ZodObject) for (const key of Object.keys(s.shape)) keys.add(key);
  return [...keys];
}

function descriptionAt(schema: z.ZodType, path: Path, data: unknown): string | undefined {
  return schemasAt(schema, path, data).find((s) => s.description !== undefined)?.description;
}
