/**
 * What can be asked of a decision task: route it (the quality automation, or QA by hand), assign it to a
 * person, escalate it when it is late (the timers), sign it, or withdraw it when its subject was decided
 * another way.
 */
import type { Command } from '../resources/command.ts';
import type { SignatureInput } from '../execution/batch-commands.ts';
import type { Conflict } from './segregation.ts';
import type { DecisionSubject } from './subjects.ts';

/** One step of an escalation chain, as routing resolved it: relative to the time of routing. */
export interface EscalationRoute {
  readonly afterMs: number;
  readonly role: string;
  readonly assignee?: string;
  readonly notify?: readonly string[];
}

/** Where a decision goes, as the site's routing configuration resolved it. */
export interface Route {
  /** Which rule of the configuration matched, e.g. "PLANT-A deviation_triage[1]". */
  readonly rule: string;
  readonly role: string;
  readonly assignee?: string;
  readonly dueInMs: number;
  readonly escalate: readonly EscalationRoute[];
  /** Distinct people whose signatures decide it. */
  readonly quorum: number;
  /** Roles told when it is routed (e.g. the site head for a critical deviation). */
  readonly notify: readonly string[];
}

export type RouteDecision = Command<
  'RouteDecision',
  {
    readonly decisionId: string;
    readonly site: string;
    readonly subject: DecisionSubject;
    readonly route: Route;
    readonly conflicts: readonly Conflict[];
    /** When the clock starts: the time of what made the decision necessary. Default: now. */
    readonly from?: string;
  }
>;

export type AssignDecision = Command<'AssignDecision', { readonly assignee: string }>;

/** Fired by the timers: `level` is the escalation step due (1 for the first). */
export type EscalateDecision = Command<'EscalateDecision', { readonly level: number }>;

export type SignDecision = Command<
  'SignDecision',
  {
    readonly outcome: string;
    readonly signature?: SignatureInput;
    /** Why, in the signer's words; required for a veto (a rejection). */
    readonly comment?: string;
    /** What the subject needs with the outcome (a triage's severity and investigator, a disposition's rationale). */
    readonly data?: Readonly<Record<string, unknown>>;
  }
>;

export type WithdrawDecision = Command<'WithdrawDecision', { readonly reason: string }>;

export type DecisionCommand = RouteDecision | AssignDecision | EscalateDecision | SignDecision | WithdrawDecision;
