/**
 * Reading a CEL expression before it is type-checked or run: the names it reads, and the source with
 * integer literals made doubles. Process engineers write `good / batch_size * 100`; CEL would refuse
 * `double / int` and compute `100 / 3` as 33. The rewrite works on the library's parse tree (source
 * ranges of literal nodes), never on raw text patterns, so strings and identifiers are left alone.
 */
import { ParseError, parse } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';

/** Functions of ours that take numbers (doubles): their literal arguments are rewritten too. */
export const NUMERIC_FUNCTIONS = new Set(['abs', 'min', 'max', 'round']);
/** Macros whose first argument names a variable bound inside them, not a value read. */
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

export type PreparedSource =
  | { readonly ok: true; readonly source: string; readonly reads: readonly string[] }
  | { readonly ok: false; readonly message: string };

interface Node {
  readonly op: string;
  readonly args: unknown;
  readonly start: number;
  readonly end: number;
}

/** Parses `source`: the names it reads and the source to compile (integer literals as doubles). */
export function prepareSource(source: string): PreparedSource {
  let ast: ASTNode;
  try {
    ast = parse(source).ast;
  } catch (caught) {
    return { ok: false, message: syntaxMessage(source, caught) };
  }
  const reads = new Set<string>();
  const bound = new Set<string>();
  const literals: Node[] = [];
  visit(ast as unknown as Node, undefined, { reads, bound, literals });
  let rewritten = source;
  for (const literal of [...literals].sort((a, b) => b.start - a.start)) {
    rewritten = `${rewritten.slice(0, literal.start)}${String(literal.args)}.0${rewritten.slice(literal.end)}`;
  }
  return { ok: true, source: rewritten, reads: [...reads].filter((name) => !bound.has(name)) };
}

interface Found {
  reads: Set<string>;
  bound: Set<string>;
  literals: Node[];
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** `parentKeepsInt`: an index, or a direct argument of a function that wants an int (substring, int(), …). */
function visit(node: Node, parentKeepsInt: boolean | undefined, found: Found): void {
  const { op, args } = node;
  if (op === 'id') {
    found.reads.add(args as string);
    return;
  }
  if (op === 'value') {
    if (typeof args === 'bigint' && !parentKeepsInt) found.literals.push(node);
    return;
  }
  if (op === '[]' || op === '[?]') {
    const [target, index] = args as [Node, Node];
    visit(target, false, found);
    visit(index, true, found);
    return;
  }
  if (op === 'call') {
    const [name, callArgs] = args as [string, Node[]];
    for (const arg of callArgs) visit(arg, !NUMERIC_FUNCTIONS.has(name), found);
    return;
  }
  if (op === 'rcall') {
    const [name, receiver, callArgs] = args as [string, Node, Node[]];
    const first = callArgs[0];
    if (BINDING_MACROS.has(name) && first?.op === 'id') found.bound.add(first.args as string);
    if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel') {
      if (first?.op === 'id') found.bound.add(first.args as string);
    } else {
      visit(receiver, false, found);
    }
    for (const arg of callArgs) visit(arg, !isNode(arg) || arg.op === 'value', found);
    return;
  }
  if (op === 'map') {
    for (const [key, value] of args as [Node, Node][]) {
      visit(key, true, found);
      visit(value, false, found);
    }
    return;
  }
  const children = Array.isArray(args) ? args : [args];
  for (const child of children) if (isNode(child)) visit(child, false, found);
}

function syntaxMessage(source: string, caught: unknown): string {
  if (caught instanceof ParseError) {
    const at = caught.range?.start;
    const where = at === undefined ? '' : at >= source.length ? ' at the end' : ` at character ${at + 1}`;
    return `syntax error${where}: ${describeToken(caught.summary)}`;
  }
  return `syntax error: ${caught instanceof Error ? caught.message : String(caught)}`;
}

function describeToken(summary: string): string {
  if (/Unexpected token: EOF/.test(summary)) return 'the expression ends too early';
  const token = /Unexpected token: (\w+)/.exec(summary)?.[1];
  return token ? `unexpected ${TOKENS[token] ?? token.toLowerCase()}` : summary.charAt(0).toLowerCase() + summary.slice(1);
}

const TOKENS: Record<string, string> = {
  PLUS: "'+'",
  MINUS: "'-'",
  MULTIPLY: "'*'",
  DIVIDE: "'/'",
  MODULO: "'%'",
  RPAREN: "')'",
  LPAREN: "'('",
  RBRACKET: "']'",
  LBRACKET: "'['",
  RBRACE: "'}'",
  LBRACE: "'{'",
  COMMA: "','",
  DOT: "'.'",
  QUESTION: "'?'",
  COLON: "':'",
  IDENTIFIER: 'a name',
  NUMBER: 'a number',
  STRING: 'a text',
};
