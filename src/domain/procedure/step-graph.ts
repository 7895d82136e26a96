/**
 * The order of a procedure's steps as a graph: each step waits for the steps in its `after`. From it: the
 * ancestors of a step (what is certainly done before it starts), the cycles, and the steps that can never
 * become ready.
 */
import type { StepDefinition } from './definition.ts';

export interface StepGraph {
  /** Index of the first step with each id. */
  readonly index: ReadonlyMap<string, number>;
  /** Steps that are done (or skipped) before the step starts: its predecessors, theirs, and so on. */
  ancestors(stepId: string): ReadonlySet<string>;
  /** Each cycle once, in flow order, e.g. ['a', 'b', 'c'] for a → b → c → a. */
  readonly cycles: readonly (readonly string[])[];
  /** Steps that can never become ready (a predecessor is unknown, in a cycle, or itself never ready). */
  readonly blocked: ReadonlySet<string>;
}

/** Builds the graph of `steps` (unknown predecessors are left out of it; the checker reports them). */
export function stepGraph(steps: readonly StepDefinition[]): StepGraph {
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (!index.has(s.id)) index.set(s.id, i);
  });
  const predecessors = new Map<string, string[]>();
  const successors = new Map<string, string[]>();
  for (const id of index.keys()) successors.set(id, []);
  for (const [id, i] of index) {
    const known = steps[i]!.after.filter((p) => index.has(p));
    predecessors.set(id, known);
    for (const p of known) successors.get(p)!.push(id);
  }

  const ancestorCache = new Map<string, Set<string>>();
  const ancestors = (stepId: string): ReadonlySet<string> => {
    let found = ancestorCache.get(stepId);
    if (found) return found;
    found = new Set<string>();
    const queue = [...(predecessors.get(stepId) ?? [])];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (found.has(next)) continue;
      found.add(next);
      queue.push(...(predecessors.get(next) ?? []));
    }
    ancestorCache.set(stepId, found);
    return found;
  };

  return { index, ancestors, cycles: findCycles([...index.keys()], successors), blocked: findBlocked(steps, index, predecessors) };
}

/** Depth-first search over successors; a back edge closes a cycle, reported from its first step in document order. */
function findCycles(ids: readonly string[], successors: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const order = new Map(ids.map((id, i) => [id, i]));
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of successors.get(id) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const first = cycle.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
        const rotated = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first))];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return cycles;
}

/** A step can become ready when every predecessor exists and can; the rest never will. */
function findBlocked(steps: readonly StepDefinition[], index: ReadonlyMap<string, number>, predecessors: ReadonlyMap<string, readonly string[]>): Set<string> {
  const ready = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, i] of index) {
      if (ready.has(id)) continue;
      const after = steps[i]!.after;
      if (after.every((p) => index.has(p)) && (predecessors.get(id) ?? []).every((p) => ready.has(p))) {
        ready.add(id);
        grew = true;
      }
    }
  }
  return new Set([...index.keys()].filter((id) => !ready.has(id)));
}
