/**
 * A batch's state, rebuilt from its events. Step readiness is derived (see graph.ts), not stored, so the
 * state can never disagree with the procedure's graph.
 */
import type { ProcedureDefinition } from '../procedure/definition.ts';
import type { BatchEvent, Evaluation, StoredValue } from './batch-events.ts';

export type StepStatus = 'pending' | 'in_progress' | 'awaiting_verification' | 'done' | 'skipped';

export interface RecordedField {
  readonly value: StoredValue;
  readonly evaluation: Evaluation;
  readonly rounds: number;
  readonly by: string;
}

export interface StepRun {
  readonly status: StepStatus;
  readonly startedAt?: string;
  readonly completedAt?: string;
  /** Everyone who did part of the step: none of them may verify it. */
  readonly performers: readonly string[];
  readonly equipment: Readonly<Record<string, string>>;
  /** Consumed so far per material alias, in the procedure's unit for it. */
  readonly consumed: Readonly<Record<string, number>>;
}

export interface Hold {
  readonly id: string;
  readonly stepId?: string;
  readonly reason: string;
  readonly deviationId?: string;
}

export interface BatchState {
  readonly created: boolean;
  readonly id: string;
  readonly site: string;
  readonly procedure: string;
  readonly version: number;
  readonly definition?: ProcedureDefinition;
  readonly batchSize?: number;
  readonly status: 'none' | 'in_progress' | 'completed';
  readonly steps: Readonly<Record<string, StepRun>>;
  /** Latest value of every recorded field, by field id (field ids are unique in a procedure). */
  readonly values: Readonly<Record<string, RecordedField>>;
  readonly holds: readonly Hold[];
  /** Deviations raised by this batch; their lifecycle lives in their own streams. */
  readonly deviations: readonly string[];
  /** Counts holds ever placed, for deterministic hold ids. */
  readonly holdsPlaced: number;
  /** Process tags out of specification now, as `stepId|tag`. */
  readonly excursions: readonly string[];
}

export const initialBatchState: BatchState = {
  created: false,
  id: '',
  site: '',
  procedure: '',
  version: 0,
  status: 'none',
  steps: {},
  values: {},
  holds: [],
  deviations: [],
  holdsPlaced: 0,
  excursions: [],
};

const EMPTY_RUN: StepRun = { status: 'pending', performers: [], equipment: {}, consumed: {} };

function withPerformer(run: StepRun, by: string): StepRun {
  return run.performers.includes(by) ? run : { ...run, performers: [...run.performers, by] };
}

function updateStep(state: BatchState, stepId: string, change: (run: StepRun) => StepRun): BatchState {
  return { ...state, steps: { ...state.steps, [stepId]: change(state.steps[stepId] ?? EMPTY_RUN) } };
}

/** Applies one event; pure and total (an unknown event leaves the state as it was). */
export function evolveBatch(state: BatchState, event: BatchEvent): BatchState {
  switch (event.type) {
    case 'BatchCreated': {
      const d = event.data;
      const steps = Object.fromEntries(d.definition.steps.map((s) => [s.id, EMPTY_RUN]));
      return { ...state, created: true, id: d.batchId, site: d.site, procedure: d.procedure, version: d.version, definition: d.definition, batchSize: d.batchSize, status: 'in_progress', steps };
    }
    case 'StepStarted':
      return updateStep(state, event.data.stepId, (run) => withPerformer({ ...run, status: 'in_progress', startedAt: event.data.at, equipment: event.data.equipment }, event.data.by));
    case 'ValueRecorded': {
      const d = event.data;
      const next = { ...state, values: { ...state.values, [d.fieldId]: { value: d.value, evaluation: d.evaluation, rounds: d.round, by: d.by } } };
      // The system computes values; only people count as performers.
      return d.computed ? next : updateStep(next, d.stepId, (run) => withPerformer(run, d.by));
    }
    case 'ValueCorrected': {
      const d = event.data;
      const previous = state.values[d.fieldId];
      const corrected = { value: d.value, evaluation: d.evaluation, rounds: previous?.rounds ?? 1, by: d.by };
      return updateStep({ ...state, values: { ...state.values, [d.fieldId]: corrected } }, d.stepId, (run) => withPerformer(run, d.by));
    }
    case 'MaterialConsumed': {
      const d = event.data;
      return updateStep(state, d.stepId, (run) =>
        withPerformer({ ...run, consumed: { ...run.consumed, [d.material]: round9((run.consumed[d.material] ?? 0) + d.target.consumedInTargetUnit) } }, d.by),
      );
    }
    case 'ExceptionRaised':
      return { ...state, deviations: [...state.deviations, event.data.deviationId] };
    case 'HoldPlaced': {
      const d = event.data;
      const hold: Hold = { id: d.holdId, reason: d.reason, ...(d.stepId ? { stepId: d.stepId } : {}), ...(d.deviationId ? { deviationId: d.deviationId } : {}) };
      return { ...state, holds: [...state.holds, hold], holdsPlaced: state.holdsPlaced + 1 };
    }
    case 'HoldReleased':
      return { ...state, holds: state.holds.filter((h) => h.id !== event.data.holdId) };
    case 'StepCompleted': {
      const step = state.definition?.steps.find((s) => s.id === event.data.stepId);
      const status: StepStatus = step?.verify ? 'awaiting_verification' : 'done';
      return updateStep(state, event.data.stepId, (run) => withPerformer({ ...run, status, completedAt: event.data.at }, event.data.by));
    }
    case 'StepVerified':
      return updateStep(state, event.data.stepId, (run) => ({ ...run, status: 'done' }));
    case 'StepSkipped':
      return updateStep(state, event.data.stepId, (run) => ({ ...run, status: 'skipped' }));
    case 'BatchCompleted':
      return { ...state, status: 'completed' };
    case 'ProcessExcursionStarted':
      return { ...state, excursions: [...state.excursions, `${event.data.stepId}|${event.data.tag}`] };
    case 'ProcessExcursionEnded':
      return { ...state, excursions: state.excursions.filter((k) => k !== `${event.data.stepId}|${event.data.tag}`) };
  }
}

function round9(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
