/**
 * Loads the routing of decision tasks at start: reads the YAML file, checks it against the schema and for
 * completeness, and fails with one line naming the file, the line and column, and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { formatRoutingProblem, parseRouting, type RoutingConfig } from '../domain/decisions/routing.ts';

export class RoutingConfigError extends Error {
  readonly code = 'invalid_routing';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length > 1 ? `${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : problems[0]);
    this.name = 'RoutingConfigError';
    this.problems = problems;
  }
}

/** The routing configuration in `file`; throws RoutingConfigError with a one-line message when it is not usable. */
export function loadRoutingFile(file: string): RoutingConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new RoutingConfigError([`${file}: cannot read the routing file (${typeof code === 'string' ? code : String(error)})`]);
  }
  const parsed = parseRouting(text);
  if (!parsed.ok) throw new RoutingConfigError(parsed.problems.map((p) => formatRoutingProblem(p, file)));
  return parsed.config;
}
