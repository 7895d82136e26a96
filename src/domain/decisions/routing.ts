/**
 * Routing configuration: parsed from its YAML text (with the line and column of every problem), checked for
 * completeness (every kind of decision, and for deviations every severity, finds a rule), and resolved into
 * the route of one decision. Pure: the file is read by the shell (src/engine/quality-routing.ts).
 */
import { LineCounter, parseDocument } from 'yaml';
import { SEVERITIES, type Severity } from '../procedure/definition.ts';
import { parseDuration } from '../shared/time.ts';
import { locate } from '../procedure/yaml-locate.ts';
import type { EscalationRoute, Route } from './decision-commands.ts';
import { routingSchema, type RuleSource } from './routing-schema.ts';
import { DECISION_KINDS, type DecisionKind } from './subjects.ts';

/** One routing rule, compiled. */
export interface RoutingRule {
  /** Where it is written: "sites.PLANT-A.deviation_triage[1]". */
  readonly name: string;
  readonly severities?: readonly Severity[];
  readonly categories?: readonly string[];
  readonly role: string;
  readonly assignee?: string;
  readonly dueInMs: number;
  readonly escalate: readonly EscalationRoute[];
  readonly quorum: number;
  readonly notify: readonly string[];
}

type KindRules = Readonly<Partial<Record<DecisionKind, readonly RoutingRule[]>>>;

export interface RoutingConfig {
  readonly defaults: Readonly<Record<DecisionKind, readonly RoutingRule[]>>;
  readonly sites: Readonly<Record<string, KindRules>>;
}

export interface RoutingProblem {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export type RoutingParse = { readonly ok: true; readonly config: RoutingConfig } | { readonly ok: false; readonly problems: readonly RoutingProblem[] };

const DEVIATION_KINDS: readonly DecisionKind[] = ['deviation_triage', 'deviation_disposition'];
const list = <T>(x: T | readonly T[] | undefined): readonly T[] | undefined => (x === undefined ? undefined : Array.isArray(x) ? x : [x as T]);

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, p) => (typeof p === 'number' ? `${text}[${p}]` : text ? `${text}.${String(p)}` : String(p)), '');
}

function compileRule(name: string, rule: RuleSource): RoutingRule {
  return {
    name,
    ...(rule.when?.severity !== undefined ? { severities: list(rule.when.severity)! } : {}),
    ...(rule.when?.category !== undefined ? { categories: list(rule.when.category)! } : {}),
    role: rule.to,
    ...(rule.assignee !== undefined ? { assignee: rule.assignee } : {}),
    dueInMs: parseDuration(rule.due)!,
    escalate: (rule.escalate ?? []).map((e) => ({ afterMs: parseDuration(e.after)!, role: e.to, ...(e.assignee !== undefined ? { assignee: e.assignee } : {}), notify: e.notify ?? [] })),
    quorum: rule.quorum ?? 1,
    notify: rule.notify ?? [],
  };
}

function compileKinds(prefix: string, kinds: Partial<Record<DecisionKind, RuleSource[] | undefined>>): Partial<Record<DecisionKind, RoutingRule[]>> {
  const out: Partial<Record<DecisionKind, RoutingRule[]>> = {};
  for (const kind of DECISION_KINDS) {
    const rules = kinds[kind];
    if (rules !== undefined) out[kind] = rules.map((r, i) => compileRule(`${prefix}.${kind}[${i}]`, r));
  }
  return out;
}

type Path = readonly (string | number)[];

/** What is wrong with the rules of one kind beyond their shape; `at` is where they are written. */
function ruleProblems(at: Path, kind: DecisionKind, rules: readonly RoutingRule[]): { path: Path; message: string }[] {
  const problems: { path: Path; message: string }[] = [];
  rules.forEach((rule, i) => {
    if (!DEVIATION_KINDS.includes(kind) && (rule.severities !== undefined || rule.categories !== undefined)) {
      problems.push({ path: [...at, kind, i, 'when'], message: '`when` applies only to deviation_triage and deviation_disposition' });
    }
    let previous = 0;
    rule.escalate.forEach((step, j) => {
      if (step.afterMs <= previous) problems.push({ path: [...at, kind, i, 'escalate', j, 'after'], message: 'each escalation must come later than the one before it (times count from routing)' });
      previous = step.afterMs;
    });
  });
  if (DEVIATION_KINDS.includes(kind)) {
    // A category-limited rule may not match; each severity needs a rule that always does.
    for (const severity of SEVERITIES) {
      if (!rules.some((r) => r.categories === undefined && (r.severities === undefined || r.severities.includes(severity)))) {
        problems.push({ path: [...at, kind], message: `no rule routes a ${severity} deviation whatever its category` });
      }
    }
  }
  return problems;
}

/** zod's issue as the end of a sentence that starts with the path. */
function issueMessage(issue: { code: string; message: string; input?: unknown; values?: readonly unknown[]; minimum?: unknown; maximum?: unknown; expected?: string }): string {
  const got = issue.input === undefined ? '' : `, not ${JSON.stringify(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required here' : `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a map' : `a ${issue.expected}`}${got}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).join(', ')}${got}`;
    case 'too_small':
      return typeof issue.minimum === 'number' && issue.expected !== 'array' ? `must be at least ${issue.minimum}${got}` : 'must not be empty';
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${got}`;
    case 'invalid_union':
      return `is not in an accepted form${got}`;
    default:
      return `must be ${issue.message}${got}`;
  }
}

/** Parses and checks a routing file's text. */
export function parseRouting(text: string): RoutingParse {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const located = (path: Path, message: string, atKey = false): RoutingProblem => {
    const position = locate(doc, lines, path, { atKey });
    return { path: pathText(path), message, ...(position ? { line: position.line, column: position.column } : {}) };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { path: '', message: e.message.split('\n')[0]!, line, column: col };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (caught) {
    return { ok: false, problems: [{ path: '', message: caught instanceof Error ? caught.message : 'the document cannot be read' }] };
  }
  const parsed = routingSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => located([...path, key], `unknown key '${key}'`, true));
      return [located(path, issueMessage(issue))];
    });
    return { ok: false, problems };
  }
  const source = parsed.data;
  const problems: RoutingProblem[] = [];
  const defaults = compileKinds('defaults', source.defaults);
  for (const kind of DECISION_KINDS) {
    const rules = defaults[kind];
    if (rules === undefined) problems.push(located(['defaults'], `every kind of decision needs default rules; ${kind} has none`, true));
    else problems.push(...ruleProblems(['defaults'], kind, rules).map((p) => located(p.path, p.message)));
  }
  const sites: Record<string, KindRules> = {};
  for (const [site, kinds] of Object.entries(source.sites ?? {})) {
    const compiled = compileKinds(`sites.${site}`, kinds);
    sites[site] = compiled;
    for (const kind of DECISION_KINDS) {
      const rules = compiled[kind];
      if (rules !== undefined) problems.push(...ruleProblems(['sites', site], kind, rules).map((p) => located(p.path, p.message)));
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { defaults: defaults as Record<DecisionKind, RoutingRule[]>, sites } };
}

/** "file:3:7: sites.PLANT-A.deviation_triage[0].due: a duration such as 30m, …" */
export function formatRoutingProblem(problem: RoutingProblem, file?: string): string {
  const where = [file, problem.line, problem.column].filter((x) => x !== undefined).join(':');
  return `${where ? `${where}: ` : ''}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** What routing looks at besides the kind. */
export interface RoutingFacts {
  readonly severity?: Severity;
  readonly category?: string;
}

/** The route of one decision at a site: the site's rules for the kind, else the defaults; the first that fits. */
export function routeFor(config: RoutingConfig, site: string, kind: DecisionKind, facts: RoutingFacts = {}): Route | undefined {
  const rules = config.sites[site]?.[kind] ?? config.defaults[kind];
  const rule = rules.find(
    (r) =>
      (r.severities === undefined || (facts.severity !== undefined && r.severities.includes(facts.severity))) &&
      (r.categories === undefined || (facts.category !== undefined && r.categories.includes(facts.category))),
  );
  if (rule === undefined) return undefined;
  return {
    rule: rule.name,
    role: rule.role,
    ...(rule.assignee !== undefined ? { assignee: rule.assignee } : {}),
    dueInMs: rule.dueInMs,
    escalate: rule.escalate,
    quorum: rule.quorum,
    notify: rule.notify,
  };
}
