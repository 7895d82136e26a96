/**
 * What can be asked of a deviation. People report one, record the investigation and close it; triage and
 * disposition are routed decisions, applied here when their decision task is signed (with its signatures).
 */
import type { Command } from '../resources/command.ts';
import type { HoldScope, Severity } from '../procedure/definition.ts';
import type { SignatureInput } from '../execution/batch-commands.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';

export type RaiseDeviation = Command<
  'RaiseDeviation',
  {
    readonly deviationId: string;
    readonly site: string;
    readonly batchId?: string;
    readonly stepId?: string;
    readonly severity: Severity;
    readonly category: string;
    readonly description: string;
    /** What it stops until its disposition: nothing (default), the step, or the whole batch. */
    readonly hold?: HoldScope;
  }
>;

/** Triage as a signed decision gave it. */
export type TriageDeviation = Command<
  'TriageDeviation',
  {
    readonly severity: Severity;
    readonly category: string;
    readonly impact: string;
    readonly investigator: string;
    readonly containment?: string;
    readonly decisionId?: string;
    readonly signatures: readonly DecisionSignature[];
  }
>;

export type RecordInvestigation = Command<'RecordInvestigation', { readonly rootCause: string; readonly rootCauseCategory: string; readonly findings?: string }>;

/** A disposition as a signed decision gave it. */
export type DecideDisposition = Command<
  'DecideDisposition',
  { readonly disposition: string; readonly rationale: string; readonly decisionId?: string; readonly signatures: readonly DecisionSignature[] }
>;

export type CloseDeviation = Command<'CloseDeviation', { readonly summary: string; readonly signature?: SignatureInput }>;

/** Written by opening a CAPA on the deviation, in the same transaction. */
export type LinkCapa = Command<'LinkCapa', { readonly capaId: string }>;

export type DeviationCommand = RaiseDeviation | TriageDeviation | RecordInvestigation | DecideDisposition | CloseDeviation | LinkCapa;

/** The commands a person gives directly; triage and disposition come only from their signed decisions. */
export type DeviationPersonCommand = RaiseDeviation | RecordInvestigation | CloseDeviation;
