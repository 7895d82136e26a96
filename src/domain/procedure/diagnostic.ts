/**
 * What the parser and the checker tell a process engineer: one problem, where it is, in words they use.
 * `path` is the place in the YAML document (keys and list positions, as written), so a line can be found.
 */

export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable, machine-readable, snake_case (listed in docs/procedure-language.md). */
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Id of the step the problem belongs to, when it belongs to one. */
  step?: string;
  path: (string | number)[];
}

/** An error at `path`. */
export function error(code: string, message: string, path: (string | number)[], step?: string): Diagnostic {
  return step === undefined ? { severity: 'error', code, message, path } : { severity: 'error', code, message, path, step };
}

/** A warning at `path`: the procedure works, but probably not as meant. */
export function warning(code: string, message: string, path: (string | number)[], step?: string): Diagnostic {
  return step === undefined ? { severity: 'warning', code, message, path } : { severity: 'warning', code, message, path, step };
}

/** Whether any of the diagnostics is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** "a", "a or b", "a, b or c": lists in messages. */
export function oneOf(items: readonly string[], last = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** The closest of `candidates` to a misspelt `word`, when one is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // Close enough to be a typo, and not a different short word ('w' is not a typo of 'x').
  const close = bestDistance <= Math.max(1, Math.floor(word.length / 3)) && bestDistance < Math.min(word.length, best?.length ?? 0);
  return close ? best : undefined;
}

/** " (did you mean 'x'?)" or nothing. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const close = didYouMean(word, candidates);
  return close === undefined ? '' : ` (did you mean '${close}'?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
