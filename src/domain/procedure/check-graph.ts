/** Checks the order of steps: no cycles, every step can become ready, hold times and waits measure from earlier steps. */
import type { ProcedureDefinition } from './definition.ts';
import { error, type Diagnostic } from './diagnostic.ts';
import type { StepGraph } from './step-graph.ts';
import { formatDuration } from '../shared/time.ts';

/** Cycles in `after`, steps that can never become ready, `within`/`wait` measured from a step that is not before. */
export function checkGraph(def: ProcedureDefinition, graph: StepGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  const inCycle = new Map<string, readonly string[]>();
  for (const cycle of graph.cycles) {
    for (const id of cycle) if (!inCycle.has(id)) inCycle.set(id, cycle);
    const first = cycle[0]!;
    const i = graph.index.get(first)!;
    const last = cycle[cycle.length - 1]!;
    const k = def.steps[i]!.after.indexOf(last);
    const message =
      cycle.length === 1
        ? `step '${first}' comes after itself, so it can never start`
        : `steps wait for each other in a circle, so none of them can ever start: ${[...cycle, first].join(' → ')}`;
    out.push(error('after_cycle', message, ['steps', i, 'after', k], first));
  }

  def.steps.forEach((step, i) => {
    if (graph.index.get(step.id) !== i) return;
    if (graph.blocked.has(step.id) && !inCycle.has(step.id) && step.after.every((p) => graph.index.has(p))) {
      const cause = step.after.find((p) => graph.blocked.has(p))!;
      const cycle = inCycle.get(cause);
      const why = cycle ? `which is in the circle ${[...cycle, cycle[0]].join(' → ')}` : 'which can never become ready';
      out.push(error('unreachable_step', `step '${step.id}' can never become ready: it comes after '${cause}', ${why}`, ['steps', i, 'after'], step.id));
    }
    const ancestors = graph.ancestors(step.id);
    if (step.within && graph.index.has(step.within.of) && !ancestors.has(step.within.of)) {
      out.push(
        error(
          'within_not_before',
          `step '${step.id}' must start within ${formatDuration(step.within.maxMs)} of step '${step.within.of}' completing, but '${step.within.of}' does not come before it (add it to after, directly or through earlier steps)`,
          ['steps', i, 'within', 'of'],
          step.id,
        ),
      );
    }
    if (step.wait && graph.index.has(step.wait.after) && !ancestors.has(step.wait.after)) {
      out.push(
        error(
          'wait_not_before',
          `step '${step.id}' waits ${formatDuration(step.wait.minMs)} after step '${step.wait.after}' completes, but '${step.wait.after}' does not come before it (add it to after, directly or through earlier steps)`,
          ['steps', i, 'wait', 'after'],
          step.id,
        ),
      );
    }
  });
  return out;
}
