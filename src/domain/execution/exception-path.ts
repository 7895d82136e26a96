/**
 * What an out-of-spec value starts, decided in the same breath as recording it: an exception on the batch
 * record, a deviation in its own stream (routed and decided elsewhere), and the hold the procedure asks for.
 */
import type { ExceptionPath, FieldDefinition, Limits, StepDefinition } from '../procedure/definition.ts';
import type { DecisionContext } from '../shared/decider.ts';
import type { StreamEvents } from './batch-context.ts';
import { deviationStream, type BatchEvent, type StoredValue } from './batch-events.ts';
import type { BatchState } from './batch-state.ts';
import { describeRange } from './limits.ts';

function show(value: StoredValue, unit: string): string {
  if (typeof value === 'object') return `mean ${value.mean}${unit}, min ${value.min}${unit}, max ${value.max}${unit}`;
  return `${String(value)}${unit}`;
}

/** The sentence a reviewer reads on the deviation. */
export function outOfSpecMessage(step: StepDefinition, field: FieldDefinition, value: StoredValue): string {
  if (field.type === 'number') {
    const unit = field.unit ? ` ${field.unit}` : '';
    return `${field.label} in "${step.title}" is out of specification: ${show(value, unit)} (specification ${describeRange(field.limits?.spec, field.unit)})`;
  }
  if (field.type === 'check') return `${field.label} in "${step.title}" was answered ${value ? 'yes' : 'no'}; ${field.expect ? 'yes' : 'no'} was expected`;
  if (field.type === 'choice') return `${field.label} in "${step.title}" is "${String(value)}"; expected ${field.expect?.join(' or ')}`;
  return `${field.label} in "${step.title}" is out of specification`;
}

/** What an exception says about itself: the sentence, and the value and limits when there are any. */
export interface ExceptionFacts {
  readonly message: string;
  readonly fieldId?: string;
  readonly value?: StoredValue;
  readonly limits?: Limits;
}

/** Events for an out-of-spec value, with deterministic deviation and hold ids. */
export function exceptionEvents(
  state: BatchState,
  step: StepDefinition,
  field: FieldDefinition,
  value: StoredValue,
  path: ExceptionPath,
  ctx: DecisionContext,
): { events: BatchEvent[]; also: StreamEvents[] } {
  const limits: Limits | undefined = field.type === 'number' ? field.limits : undefined;
  return exceptionFor(state, step, { message: outOfSpecMessage(step, field, value), fieldId: field.id, value, ...(limits ? { limits } : {}) }, path, ctx);
}

/** Any exception on a step: on the record, a deviation in its own stream, and the hold its path asks for. */
export function exceptionFor(state: BatchState, step: StepDefinition, what: ExceptionFacts, path: ExceptionPath, ctx: DecisionContext): { events: BatchEvent[]; also: StreamEvents[] } {
  const deviationId = `${state.id}-D${state.deviations.length + 1}`;
  const { message } = what;
  // The same facts go on the batch record and open the deviation.
  const facts = {
    deviationId,
    stepId: step.id,
    ...(what.fieldId !== undefined ? { fieldId: what.fieldId } : {}),
    severity: path.severity,
    group: path.group,
    hold: path.hold,
    message,
    ...(what.value !== undefined ? { value: what.value } : {}),
    ...(what.limits ? { limits: what.limits } : {}),
    ...(path.ref ? { ref: path.ref } : {}),
  };
  const events: BatchEvent[] = [{ type: 'ExceptionRaised', data: facts }];
  if (path.hold !== 'none') {
    events.push({
      type: 'HoldPlaced',
      data: {
        holdId: `H${state.holdsPlaced + 1}`,
        ...(path.hold === 'step' ? { stepId: step.id } : {}),
        reason: `${path.severity} deviation ${deviationId}: ${message}`,
        deviationId,
        by: 'system:exception-path',
      },
    });
  }
  const deviation = {
    type: 'DeviationRaised',
    data: { ...facts, batchId: state.id, site: state.site, procedure: state.procedure, version: state.version, raisedAt: ctx.now, detectedBy: ctx.actor.id },
  };
  return { events, also: [{ streamId: deviationStream(deviationId), expectedVersion: 'no_stream', events: [deviation] }] };
}
