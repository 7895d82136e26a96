/**
 * The versions of one procedure (one stream per procedure code) as a decider: draft → in review → approved
 * → effective → superseded or retired. Only the effective version starts new work; running batches keep
 * the version they started with (execution's business). Nobody approves a version they drafted.
 */
import type { Decider, DecisionContext, DomainEvent } from '../shared/decider.ts';
import { accept, refuse, type Decision } from '../shared/refusal.ts';
import { roleCheck } from '../resources/roles.ts';
import type { Command } from '../resources/command.ts';
import type { ProcedureDefinition } from './definition.ts';
import { checkProcedure } from './check.ts';

export type VersionStatus = 'draft' | 'in_review' | 'effective' | 'superseded' | 'retired';

export interface ProcedureVersion {
  readonly version: number;
  readonly status: VersionStatus;
  readonly definition: ProcedureDefinition;
  /** The YAML as the engineer wrote it, and its hash: what was reviewed is what runs. */
  readonly source: string;
  readonly sourceHash: string;
  readonly draftedBy: string;
  readonly approvedBy?: string;
  readonly effectiveFrom?: string;
}

export interface ProcedureState {
  /** The procedure code, once a first version is drafted. */
  readonly procedure?: string;
  readonly versions: readonly ProcedureVersion[];
}

export const initialProcedureState: ProcedureState = { versions: [] };

type Version = { readonly version: number };
/** Drafts the next version (engineer); the system numbers it 1, 2, 3… */
export type DraftVersion = Command<'DraftVersion', { readonly definition: ProcedureDefinition; readonly source: string; readonly sourceHash: string }>;
export type SubmitForReview = Command<'SubmitForReview', Version>;
/** QA approves a version in review; never the person who drafted it. */
export type ApproveVersion = Command<'ApproveVersion', Version>;
/** QA makes an approved version effective; the effective one before it is superseded in the same decision. */
export type MakeEffective = Command<'MakeEffective', Version>;
/** QA retires a version: an effective one stops starting new work; a draft or one in review is withdrawn. */
export type RetireVersion = Command<'RetireVersion', Version>;
export type ProcedureCommand = DraftVersion | SubmitForReview | ApproveVersion | MakeEffective | RetireVersion;

type Data<D> = { readonly procedure: string; readonly version: number } & D;
export type ProcedureVersionDrafted = DomainEvent<
  'ProcedureVersionDrafted',
  Data<{ readonly definition: ProcedureDefinition; readonly source: string; readonly sourceHash: string; readonly draftedBy: string }>
>;
export type ProcedureVersionSubmitted = DomainEvent<'ProcedureVersionSubmitted', Data<{ readonly submittedBy: string }>>;
export type ProcedureVersionApproved = DomainEvent<'ProcedureVersionApproved', Data<{ readonly approvedBy: string }>>;
export type ProcedureVersionSuperseded = DomainEvent<'ProcedureVersionSuperseded', Data<{ readonly supersededBy: number }>>;
export type ProcedureVersionMadeEffective = DomainEvent<'ProcedureVersionMadeEffective', Data<{ readonly effectiveFrom: string; readonly madeEffectiveBy: string }>>;
export type ProcedureVersionRetired = DomainEvent<'ProcedureVersionRetired', Data<{ readonly retiredBy: string; readonly previousStatus: VersionStatus }>>;
export type ProcedureEvent =
  | ProcedureVersionDrafted
  | ProcedureVersionSubmitted
  | ProcedureVersionApproved
  | ProcedureVersionSuperseded
  | ProcedureVersionMadeEffective
  | ProcedureVersionRetired;

const AUTHORITY: Record<ProcedureCommand['type'], { readonly roles: readonly string[]; readonly action: string }> = {
  DraftVersion: { roles: ['engineer'], action: 'Drafting a procedure version' },
  SubmitForReview: { roles: ['engineer'], action: 'Submitting a procedure version for review' },
  ApproveVersion: { roles: ['qa'], action: 'Approving a procedure version' },
  MakeEffective: { roles: ['qa'], action: 'Making a procedure version effective' },
  RetireVersion: { roles: ['qa'], action: 'Retiring a procedure version' },
};

/** Decides one command on the versions of a procedure. */
export function decideProcedure(state: ProcedureState, command: ProcedureCommand, context: DecisionContext): Decision<ProcedureEvent> {
  const { roles, action } = AUTHORITY[command.type];
  const denied = roleCheck(context.actor.roles, roles, action);
  if (denied) return { ok: false, refusal: denied };
  const by = context.actor.id;
  if (command.type === 'DraftVersion') return draft(state, command, by);

  const procedure = state.procedure ?? '';
  const found = state.versions.find((v) => v.version === command.data.version);
  if (!found) {
    return refuse('version_not_found', `${procedure || 'This procedure'} has no version ${command.data.version}.`, { procedure, version: command.data.version });
  }
  const { version, status } = found;
  const name = `${procedure} version ${version}`;
  const wrong = (needed: string) =>
    refuse('invalid_transition', `${name} is ${words(status)}; ${needed}.`, { procedure, version, status, command: command.type });
  switch (command.type) {
    case 'SubmitForReview':
      if (status !== 'draft') return wrong('only a draft can be submitted for review');
      return accept({ type: 'ProcedureVersionSubmitted', data: { procedure, version, submittedBy: by } });
    case 'ApproveVersion':
      if (status !== 'in_review') return wrong('only a version in review can be approved');
      if (found.approvedBy !== undefined) return wrong(`it was already approved by ${found.approvedBy}`);
      if (found.draftedBy === by) {
        return refuse('self_approval', `You drafted ${name}; another person with the qa role must approve it.`, { procedure, version, draftedBy: by });
      }
      return accept({ type: 'ProcedureVersionApproved', data: { procedure, version, approvedBy: by } });
    case 'MakeEffective': {
      if (status !== 'in_review' || found.approvedBy === undefined) return wrong('only an approved version can be made effective');
      const previous = state.versions.find((v) => v.status === 'effective');
      const superseded: ProcedureEvent[] = previous ? [{ type: 'ProcedureVersionSuperseded', data: { procedure, version: previous.version, supersededBy: version } }] : [];
      return accept(...superseded, { type: 'ProcedureVersionMadeEffective', data: { procedure, version, effectiveFrom: context.now, madeEffectiveBy: by } });
    }
    case 'RetireVersion':
      if (status === 'superseded' || status === 'retired') return wrong('only a draft, a version in review or the effective version can be retired');
      return accept({ type: 'ProcedureVersionRetired', data: { procedure, version, retiredBy: by, previousStatus: status } });
  }
}

function draft(state: ProcedureState, command: DraftVersion, by: string): Decision<ProcedureEvent> {
  const { definition, source, sourceHash } = command.data;
  const procedure = definition.procedure;
  if (state.procedure !== undefined && state.procedure !== procedure) {
    return refuse('procedure_mismatch', `This is procedure ${state.procedure}; the definition is of ${procedure}.`, { expected: state.procedure, got: procedure });
  }
  // The shell parsed and checked it; checking again keeps a definition with errors out of the record whatever the caller.
  const errors = checkProcedure(definition).filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return refuse('invalid_definition', `${procedure} has ${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${errors[0]!.message}.`, {
      errors: errors.map((e) => ({ code: e.code, message: e.message, path: e.path })),
    });
  }
  const version = state.versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
  return accept({ type: 'ProcedureVersionDrafted', data: { procedure, version, definition, source, sourceHash, draftedBy: by } });
}

function words(status: VersionStatus): string {
  return status === 'in_review' ? 'in review' : status;
}

/** Applies one event to the versions of a procedure. */
export function evolveProcedure(state: ProcedureState, event: ProcedureEvent): ProcedureState {
  const set = (version: number, change: Partial<ProcedureVersion>): ProcedureState => ({
    ...state,
    versions: state.versions.map((v) => (v.version === version ? { ...v, ...change } : v)),
  });
  const d = event.data;
  switch (event.type) {
    case 'ProcedureVersionDrafted': {
      const { definition, source, sourceHash, draftedBy } = event.data;
      return { procedure: d.procedure, versions: [...state.versions, { version: d.version, status: 'draft', definition, source, sourceHash, draftedBy }] };
    }
    case 'ProcedureVersionSubmitted':
      return set(d.version, { status: 'in_review' });
    case 'ProcedureVersionApproved':
      return set(d.version, { approvedBy: event.data.approvedBy });
    case 'ProcedureVersionSuperseded':
      return set(d.version, { status: 'superseded' });
    case 'ProcedureVersionMadeEffective':
      return set(d.version, { status: 'effective', effectiveFrom: event.data.effectiveFrom });
    case 'ProcedureVersionRetired':
      return set(d.version, { status: 'retired' });
    default:
      return state;
  }
}

/** The procedure versions decider. */
export const procedureDecider: Decider<ProcedureState, ProcedureCommand, ProcedureEvent> = {
  initialState: initialProcedureState,
  decide: decideProcedure,
  evolve: evolveProcedure,
};

/** The version that starts new work now, if any. */
export function effectiveVersion(state: ProcedureState): number | undefined {
  return state.versions.find((v) => v.status === 'effective')?.version;
}

/** The definition of one version, whatever its status. */
export function versionDefinition(state: ProcedureState, version: number): ProcedureDefinition | undefined {
  return state.versions.find((v) => v.version === version)?.definition;
}

/** Status and definition of one version, as batch creation needs them. */
export function procedureVersionStatus(state: ProcedureState, version: number): { readonly status: VersionStatus; readonly definition: ProcedureDefinition } | undefined {
  const found = state.versions.find((v) => v.version === version);
  return found && { status: found.status, definition: found.definition };
}
