/**
 * Segregation of duties: nobody approves or verifies their own work. Each rule has its own refusal code so
 * the record says which rule stopped the signature. The people whose work a decision judges are written on
 * the decision when it is routed (its conflicts), and each subject's decider checks its own rule again.
 */
import { refuse, type Refusal } from '../shared/refusal.ts';

export const SEGREGATION_CODES = ['self_approval', 'author_cannot_approve', 'releaser_performed_step'] as const;
/** One of {@link SEGREGATION_CODES}. */
export type SegregationCode = (typeof SEGREGATION_CODES)[number];

/** A person who may not sign a decision, and why. */
export interface Conflict {
  readonly personId: string;
  readonly code: SegregationCode;
  /** What they did, for the sentence: "raised this deviation", "performed step Compress". */
  readonly reason: string;
}

/** Refuses when `personId` is among the conflicted people; the first conflict names the rule. */
export function conflictCheck(conflicts: readonly Conflict[], personId: string, what: string): Refusal | undefined {
  const conflict = conflicts.find((c) => c.personId === personId);
  if (conflict === undefined) return undefined;
  return refuse(conflict.code, `You ${conflict.reason}; someone else must sign ${what}.`, { personId, rule: conflict.code, reason: conflict.reason }).refusal;
}

/** The people of a list, each with one rule; the first rule given for a person wins. */
export function conflicts(...groups: readonly (readonly Conflict[])[]): Conflict[] {
  const seen = new Set<string>();
  const out: Conflict[] = [];
  for (const c of groups.flat()) {
    if (c.personId.startsWith('system') || seen.has(c.personId)) continue;
    seen.add(c.personId);
    out.push(c);
  }
  return out;
}
