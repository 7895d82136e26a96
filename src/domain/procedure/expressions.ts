/**
 * Expressions (conditions, calculations, scaled quantities) in CEL, the safe expression language: no loops,
 * no side effects, no eval. This module is the one door to the CEL library for the checker and the engine.
 *
 * Arithmetic is made natural for process engineers: every number is a double (integer literals are rewritten
 * as doubles, see expression-source.ts; values are passed as doubles), whole numbers that CEL functions return
 * (size()) mix with doubles, and results come back as plain JS numbers.
 */
import { EvaluationError, Environment, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { libraryMessage, typeWords } from './expression-messages.ts';
import { prepareSource } from './expression-source.ts';
import { suggestion } from './diagnostic.ts';

/** A value an expression reads: a number, a check, a text, or the samples of a multi-sample field. */
export type ExpressionValue = number | boolean | string | { mean: number; min: number; max: number; values: number[] };
/** The kind of each name an expression may read. */
export type NameType = 'number' | 'boolean' | 'string' | 'samples';
/** What an expression gives, as far as the type checker can tell ('unknown' when it cannot). */
export type ResultType = 'number' | 'boolean' | 'string' | 'other' | 'unknown';

export interface ExpressionProblem {
  readonly kind: 'syntax' | 'unknown_name' | 'type';
  readonly message: string;
  /** The unknown name, for kind unknown_name. */
  readonly name?: string;
}

export interface ExpressionAnalysis {
  /** Names the expression reads (variables, not functions or macro variables). */
  readonly reads: readonly string[];
  readonly problems: readonly ExpressionProblem[];
  readonly type: ResultType;
}

function withNumbers(env: Environment): Environment {
  const arithmetic: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  };
  for (const [op, apply] of Object.entries(arithmetic)) {
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => apply(Number(a), b));
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => apply(a, Number(b)));
  }
  env.registerOperator('double % double: double', (a: number, b: number) => a % b);
  // Registers double == int (and !=) too.
  env.registerOperator('int == double: bool', (a: bigint, b: number) => Number(a) === b);
  env.registerFunction('abs(double): double', (a: number) => Math.abs(a), { description: 'Absolute value' });
  env.registerFunction('min(double, double): double', (a: number, b: number) => Math.min(a, b), { description: 'The smaller of two numbers' });
  env.registerFunction('max(double, double): double', (a: number, b: number) => Math.max(a, b), { description: 'The larger of two numbers' });
  env.registerFunction('round(double): double', (a: number) => Math.round(a), { description: 'Rounded to a whole number' });
  env.registerFunction('round(double, double): double', (a: number, decimals: number) => roundTo(a, decimals), {
    description: 'Rounded to a number of decimals',
  });
  return env;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** Math.max(0, Math.min(15, Math.trunc(decimals)));
  return Math.round(value * factor) / factor;
}

// One environment for running: values decide their types at run time (numbers are doubles).
const runtime = withNumbers(new Environment({ unlistedVariablesAreDyn: true }));
// The checker's environment: every name declared with its type, so mistakes show before a batch runs.
const typedBase = withNumbers(
  new Environment().registerType('Samples', { fields: { mean: 'double', min: 'double', max: 'double', values: 'list<double>' } }),
);

const CEL_TYPE: Record<NameType, string> = { number: 'double', boolean: 'bool', string: 'string', samples: 'Samples' };
const CACHE_LIMIT = 1000;
const typedEnvironments = new Map<string, Environment>();

function typedEnvironment(names: Readonly<Record<string, NameType>>): Environment {
  const entries = Object.entries(names).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify(entries);
  let env = typedEnvironments.get(key);
  if (!env) {
    env = typedBase.clone();
    for (const [name, type] of entries) {
      try {
        env.registerVariable(name, CEL_TYPE[type]);
      } catch {
        // A name CEL cannot declare (reserved word, not an identifier): the checker reports it on its own.
      }
    }
    if (typedEnvironments.size >= CACHE_LIMIT) typedEnvironments.clear();
    typedEnvironments.set(key, env);
  }
  return env;
}

/** Reads, problems and result type of `source`, given the names (and their kinds) it may read. */
export function analyseExpression(source: string, names: Readonly<Record<string, NameType>>): ExpressionAnalysis {
  const prepared = prepareSource(source);
  if (!prepared.ok) return { reads: [], problems: [{ kind: 'syntax', message: prepared.message }], type: 'unknown' };
  const known = Object.keys(names);
  const unknown = prepared.reads.filter((name) => !Object.hasOwn(names, name));
  if (unknown.length > 0) {
    const problems = unknown.map((name) => ({
      kind: 'unknown_name' as const,
      name,
      message: `'${name}' is not a field, a parameter or batch_size${suggestion(name, known)}`,
    }));
    return { reads: prepared.reads, problems, type: 'unknown' };
  }
  try {
    const result = typedEnvironment(names).check(prepared.source);
    if (!result.valid) {
      const e = result.error;
      return { reads: prepared.reads, problems: [{ kind: 'type', message: e ? libraryMessage(e.code, e.summary) : 'the expression is not valid' }], type: 'unknown' };
    }
    return { reads: prepared.reads, problems: [], type: resultType(result.type) };
  } catch (caught) {
    return { reads: prepared.reads, problems: [{ kind: 'type', message: errorMessage(caught) }], type: 'unknown' };
  }
}

function resultType(type: string | undefined): ResultType {
  if (type === undefined || type === 'dyn') return 'unknown';
  if (type === 'double' || type === 'int' || type === 'uint') return 'number';
  if (type === 'bool') return 'boolean';
  if (type === 'string') return 'string';
  return 'other';
}

/** Problems with `source` given the names it may read, in words an engineer understands; empty when fine. */
export function checkExpression(source: string, names: Readonly<Record<string, NameType>>): string[] {
  return analyseExpression(source, names).problems.map((p) => p.message);
}

type Compiled = { ok: true; run: (context: Record<string, unknown>) => unknown } | { ok: false; error: string };
const compiled = new Map<string, Compiled>();

function compile(source: string): Compiled {
  const cached = compiled.get(source);
  if (cached) return cached;
  let result: Compiled;
  const prepared = prepareSource(source);
  if (!prepared.ok) result = { ok: false, error: prepared.message };
  else {
    try {
      result = { ok: true, run: runtime.parse(prepared.source) };
    } catch (caught) {
      result = { ok: false, error: errorMessage(caught) };
    }
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(source, result);
  return result;
}

/** Runs `source` over `values`. Never throws: a problem comes back as `{ ok: false, error }`. */
export function evaluateExpression(
  source: string,
  values: Readonly<Record<string, ExpressionValue>>,
): { ok: true; value: number | boolean | string } | { ok: false; error: string } {
  try {
    const program = compile(source);
    if (!program.ok) return program;
    // No prototype: a name like "constructor" must be unknown, not Object's.
    const context: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [name, value] of Object.entries(values)) context[name] = toCel(value);
    return fromCel(program.run(context));
  } catch (caught) {
    return { ok: false, error: errorMessage(caught) };
  }
}

function toCel(value: ExpressionValue): unknown {
  if (typeof value === 'object' && value !== null) {
    return { mean: value.mean, min: value.min, max: value.max, values: [...value.values] };
  }
  return value;
}

function fromCel(value: unknown): { ok: true; value: number | boolean | string } | { ok: false; error: string } {
  if (typeof value === 'bigint') return { ok: true, value: Number(value) };
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: 'the result is not a finite number (a division by zero?)' };
  }
  if (typeof value === 'boolean' || typeof value === 'string') return { ok: true, value };
  return { ok: false, error: `the expression gives ${describe(value)}, not a number, true/false or text` };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'no value';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'a map' : typeWords(typeof value);
}

function errorMessage(caught: unknown): string {
  if (caught instanceof ParseError || caught instanceof EvaluationError || caught instanceof CelTypeError) {
    return libraryMessage(caught.code, caught.summary);
  }
  if (caught instanceof RangeError) return 'the expression is too deeply nested';
  return caught instanceof Error ? caught.message : String(caught);
}
