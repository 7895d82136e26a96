/** What happened to a decision task, in the past tense. Stream: `decision-<id>`. */
import type { DomainEvent } from '../shared/decider.ts';
import type { Signature } from '../execution/batch-events.ts';
import type { Conflict } from './segregation.ts';
import type { DecisionSubject } from './subjects.ts';

/** An escalation step with its absolute time. */
export interface Escalation {
  readonly at: string;
  readonly role: string;
  readonly assignee?: string;
  readonly notify: readonly string[];
}

/** A signature on a decision, with the outcome it gave. */
export interface DecisionSignature extends Signature {
  readonly outcome: string;
  readonly comment?: string;
}

export type DecisionEvent =
  | DomainEvent<'DecisionRouted', {
      decisionId: string;
      site: string;
      subject: DecisionSubject;
      rule: string;
      role: string;
      assignee?: string;
      routedAt: string;
      dueAt: string;
      escalations: readonly Escalation[];
      quorum: number;
      conflicts: readonly Conflict[];
      notify: readonly string[];
      by: string;
    }>
  | DomainEvent<'DecisionAssigned', { decisionId: string; assignee: string; by: string }>
  | DomainEvent<'DecisionEscalated', { decisionId: string; level: number; from: string; role: string; assignee?: string; notify: readonly string[]; dueAt: string; at: string }>
  | DomainEvent<'DecisionSigned', { decisionId: string; signature: DecisionSignature; data?: Readonly<Record<string, unknown>>; count: number; quorum: number }>
  | DomainEvent<'DecisionMade', {
      decisionId: string;
      subject: DecisionSubject;
      outcome: string;
      data?: Readonly<Record<string, unknown>>;
      signatures: readonly DecisionSignature[];
      at: string;
    }>
  | DomainEvent<'DecisionWithdrawn', { decisionId: string; reason: string; by: string; at: string }>;

export type DecisionEventOf<T extends DecisionEvent['type']> = Extract<DecisionEvent, { type: T }>;

/** The stream of one decision task. */
export function decisionStream(decisionId: string): string {
  return `decision-${decisionId}`;
}
