/**
 * Live process data (a step's `process:` tags, e.g. the press's compression force over MQTT). Samples are
 * far too many to be events: they go to a time-series table. What the record needs is the excursions: a
 * tag leaving its specification while the step runs starts one (an exception, and the deviation and hold
 * its `onOutOfSpec` asks for), the tag coming back ends it. Only the process-data interface reports them.
 *
 * A tag whose first segment names one of the step's equipment aliases (`press/compression-force`) is read
 * from the equipment the step actually uses: `P-01/compression-force` on the line where it runs.
 */
import type { ProcessTag, StepDefinition } from '../procedure/definition.ts';
import { refuse } from '../shared/refusal.ts';
import { accepted, refused, type BatchContext, type BatchDecision } from './batch-context.ts';
import type { EndProcessExcursion, ReportProcessExcursion } from './batch-commands.ts';
import type { BatchEvent } from './batch-events.ts';
import type { BatchState, StepRun } from './batch-state.ts';
import { exceptionFor } from './exception-path.ts';
import { batchGuard } from './guards.ts';
import { evaluateNumber } from './limits.ts';

/** The actor id prefix of the system's own interfaces; people never have it. */
export const PROCESS_DATA_ACTOR = 'system:process-data';


/** Where a tag's values come from for this run: the alias replaced by the equipment id the step uses. */
export function tagSource(step: StepDefinition, run: StepRun | undefined, tag: string): string {
  const slash = tag.indexOf('/');
  if (slash < 0) return tag;
  const alias = tag.slice(0, slash);
  const bound = step.uses.includes(alias) ? run?.equipment[alias] : undefined;
  return bound === undefined ? tag : `${bound}${tag.slice(slash)}`;
}

/** The key of an open excursion in the batch state. */
export const excursionKey = (stepId: string, tag: string) => `${stepId}|${tag}`;

/** Whether a sample of `tag` on the running `stepId` starts or ends an excursion: the command to send, if any. */
export function excursionCommandFor(state: BatchState, stepId: string, tag: ProcessTag, value: number): ReportProcessExcursion | EndProcessExcursion | undefined {
  if (state.status !== 'in_progress' || state.steps[stepId]?.status !== 'in_progress') return undefined;
  const open = state.excursions.includes(excursionKey(stepId, tag.tag));
  const out = evaluateNumber(value, tag.limits) === 'out_of_spec';
  if (out && !open) return { type: 'ReportProcessExcursion', data: { stepId, tag: tag.tag, value } };
  if (!out && open) return { type: 'EndProcessExcursion', data: { stepId, tag: tag.tag, value } };
  return undefined;
}

function checked(state: BatchState, stepId: string, tagName: string, ctx: BatchContext): { step: StepDefinition; tag: ProcessTag } | ReturnType<typeof refuse> {
  if (!ctx.actor.id.startsWith(PROCESS_DATA_ACTOR)) {
    return refuse('role_not_permitted', 'Process excursions are reported by the process data interface, not by people.', { action: 'ReportProcessExcursion' });
  }
  const guard = batchGuard(state, ctx);
  if (guard) return { ok: false, refusal: guard } as const;
  const step = state.definition?.steps.find((s) => s.id === stepId);
  if (step === undefined) return refuse('step_not_found', `Procedure ${state.procedure} has no step "${stepId}".`, { stepId });
  const tag = step.process.find((t) => t.tag === tagName);
  if (tag === undefined) return refuse('tag_not_watched', `"${step.title}" does not watch process tag ${tagName}.`, { stepId, tag: tagName });
  if (state.steps[stepId]?.status !== 'in_progress') {
    return refuse('step_not_active', `"${step.title}" is not running; process data is watched only while it runs.`, { stepId, status: state.steps[stepId]?.status });
  }
  return { step, tag };
}

export function decideReportExcursion(state: BatchState, command: ReportProcessExcursion, ctx: BatchContext): BatchDecision {
  const { stepId, value } = command.data;
  const found = checked(state, stepId, command.data.tag, ctx);
  if ('ok' in found) return refused(found.refusal);
  const { step, tag } = found;
  if (!Number.isFinite(value)) return refused(refuse('invalid_value', `A process value must be a number; got ${String(value)}.`, { tag: tag.tag }).refusal);
  if (state.excursions.includes(excursionKey(stepId, tag.tag))) {
    return refused(refuse('excursion_open', `An excursion of ${tag.tag} in "${step.title}" is already open.`, { stepId, tag: tag.tag }).refusal);
  }
  if (evaluateNumber(value, tag.limits) !== 'out_of_spec') {
    return refused(refuse('not_an_excursion', `${value} ${tag.unit} is within the specification of ${tag.tag}.`, { stepId, tag: tag.tag, value }).refusal);
  }
  const source = tagSource(step, state.steps[stepId], tag.tag);
  const started: BatchEvent = {
    type: 'ProcessExcursionStarted',
    data: { stepId, tag: tag.tag, source, value, unit: tag.unit, ...(tag.limits ? { limits: tag.limits } : {}), at: ctx.now },
  };
  if (tag.onOutOfSpec === undefined) return accepted([started]);
  const message = `Process value ${source} in "${step.title}" left its specification: ${value} ${tag.unit}`;
  const exception = exceptionFor(state, step, { message, value, ...(tag.limits ? { limits: tag.limits } : {}) }, tag.onOutOfSpec, ctx);
  return accepted([started, ...exception.events], exception.also);
}

export function decideEndExcursion(state: BatchState, command: EndProcessExcursion, ctx: BatchContext): BatchDecision {
  const { stepId, value } = command.data;
  const found = checked(state, stepId, command.data.tag, ctx);
  if ('ok' in found) return refused(found.refusal);
  const { step, tag } = found;
  if (!state.excursions.includes(excursionKey(stepId, tag.tag))) {
    return refused(refuse('excursion_not_open', `No excursion of ${tag.tag} in "${step.title}" is open.`, { stepId, tag: tag.tag }).refusal);
  }
  return accepted([{ type: 'ProcessExcursionEnded', data: { stepId, tag: tag.tag, value, at: ctx.now } }]);
}
