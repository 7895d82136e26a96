/**
 * What a routed decision can be about, which outcomes each kind allows, and the meaning of the signature
 * that gives each outcome (§11.50: every signature states what it means).
 */
import type { Severity, SignatureMeaning } from '../procedure/definition.ts';

export const DECISION_KINDS = [
  'deviation_triage',
  'deviation_disposition',
  'batch_release',
  'procedure_approval',
  'change_approval',
  'capa_approval',
  'capa_effectiveness',
] as const;
/** One of {@link DECISION_KINDS}. */
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** The thing a decision is about. */
export interface DecisionSubject {
  readonly kind: DecisionKind;
  /** The deviation, batch, procedure code, change or CAPA the decision acts on. */
  readonly id: string;
  /** For a procedure approval: the version to approve. */
  readonly version?: number;
  /** One line for the inbox. */
  readonly title: string;
  /** Deviations are routed by severity. */
  readonly severity?: Severity;
}

export interface OutcomeRule {
  /** The meaning the signature giving this outcome must carry. */
  readonly meaning: SignatureMeaning;
  /** A veto decides at once, whatever the quorum: one "reject" is enough to stop a change. */
  readonly veto: boolean;
}

const approve: OutcomeRule = { meaning: 'approved', veto: false };
const reject: OutcomeRule = { meaning: 'reviewed', veto: true };

/** The outcomes each kind of decision allows. */
export const OUTCOMES: Readonly<Record<DecisionKind, Readonly<Record<string, OutcomeRule>>>> = {
  deviation_triage: { triaged: { meaning: 'reviewed', veto: false } },
  deviation_disposition: { continue: approve, repeat_step: approve, rework: approve, reject_batch: approve },
  batch_release: { release: { meaning: 'released', veto: false }, reject },
  procedure_approval: { approve, reject },
  change_approval: { approve, reject },
  capa_approval: { approve, reject },
  capa_effectiveness: { effective: approve, not_effective: reject },
};

/** How people read each kind in a sentence. */
export const KIND_WORDS: Readonly<Record<DecisionKind, string>> = {
  deviation_triage: 'triage of deviation',
  deviation_disposition: 'disposition of deviation',
  batch_release: 'release of batch',
  procedure_approval: 'approval of procedure',
  change_approval: 'approval of change',
  capa_approval: 'approval of CAPA',
  capa_effectiveness: 'effectiveness of CAPA',
};

export function isDecisionKind(text: unknown): text is DecisionKind {
  return typeof text === 'string' && (DECISION_KINDS as readonly string[]).includes(text);
}
