/**
 * The shapes the HTTP API answers with (see /api/openapi.json): written by hand from the server's schemas,
 * and only as much of them as the UI reads.
 */

export type StepStatus = 'pending' | 'in_progress' | 'awaiting_verification' | 'done' | 'skipped';
export type Evaluation = 'in_spec' | 'alert' | 'out_of_spec' | 'unchecked';
export type SignatureMeaning = 'performed' | 'verified' | 'reviewed' | 'approved' | 'released';

/** What keeps a step from going on now, in the words execution would refuse with. */
export interface Blocker {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type StoredValue = number | boolean | string | { readonly values: readonly number[]; readonly mean: number; readonly min: number; readonly max: number };

export interface FieldView {
  readonly id: string;
  readonly label: string;
  readonly type: string;
  readonly unit?: string;
  readonly required: boolean;
  readonly computed: boolean;
  readonly value?: StoredValue;
  readonly evaluation?: Evaluation;
  readonly by?: string;
}

export interface StepView {
  readonly id: string;
  readonly title: string;
  readonly role: string;
  readonly verify?: string;
  readonly sign?: SignatureMeaning;
  readonly status: StepStatus;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly performers: readonly string[];
  readonly equipment: Readonly<Record<string, string>>;
  readonly consumed: Readonly<Record<string, number>>;
  readonly fields: readonly FieldView[];
  readonly blockedBy: readonly Blocker[];
}

export interface Hold {
  readonly id: string;
  readonly stepId?: string;
  readonly reason: string;
  readonly deviationId?: string;
}

export interface BatchSummary {
  readonly id: string;
  readonly procedure: string;
  readonly procedureVersion: number;
  readonly status: 'in_progress' | 'completed';
  readonly batchSize?: number;
  readonly steps: { readonly done: number; readonly total: number };
  readonly holds: number;
  readonly deviations: readonly string[];
  readonly version: number;
}

export interface BatchView {
  readonly id: string;
  readonly site: string;
  readonly procedure: string;
  readonly procedureVersion: number;
  readonly status: 'in_progress' | 'completed';
  readonly batchSize?: number;
  readonly holds: readonly Hold[];
  readonly deviations: readonly string[];
  readonly steps: readonly StepView[];
  readonly version: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

/** A command's answer: the record it changed, its new version and where its events sit in the log. */
export interface CommandResult {
  readonly id: string;
  readonly version: number;
  readonly log: { readonly first: number; readonly last: number };
}

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly step?: string;
  readonly path: readonly (string | number)[];
}

export interface CheckResult {
  readonly ok: boolean;
  readonly procedure?: string;
  readonly diagnostics: readonly Diagnostic[];
}

export type VersionStatus = 'draft' | 'in_review' | 'effective' | 'superseded' | 'retired';

export interface VersionSummary {
  readonly version: number;
  readonly status: VersionStatus;
  readonly approved: boolean;
  readonly title: string;
  readonly sourceHash: string;
  readonly draftedBy: string;
  readonly approvedBy?: string;
  readonly effectiveFrom?: string;
}

export interface ProcedureView {
  readonly procedure: string;
  readonly effectiveVersion?: number;
  readonly versions: readonly VersionSummary[];
  readonly version: number;
}

export interface VersionView extends VersionSummary {
  readonly procedure: string;
  readonly source: string;
  readonly definition: ProcedureDefinition;
}

export interface DraftResult extends CommandResult {
  readonly procedureVersion: number;
  readonly diagnostics: readonly Diagnostic[];
}

export interface Range {
  readonly min?: number;
  readonly max?: number;
}

export interface Limits {
  readonly spec?: Range;
  readonly alert?: Range;
}

/** A field of the procedure definition (the parts the UI shows: units, limits, patterns, options). */
export interface FieldDefinition {
  readonly id: string;
  readonly label: string;
  readonly type: 'check' | 'number' | 'text' | 'choice' | 'lot' | 'equipment';
  readonly required: boolean;
  readonly unit?: string;
  readonly samples?: number;
  readonly decimals?: number;
  readonly limits?: Limits;
  readonly compute?: string;
  readonly expect?: boolean | readonly string[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly options?: readonly string[];
  readonly material?: string;
  readonly equipment?: string;
}

export interface QuantityDefinition {
  readonly value?: number;
  readonly expression?: string;
  readonly unit: string;
}

export interface ConsumeDefinition {
  readonly material: string;
  readonly quantity: QuantityDefinition;
  readonly tolerance: { readonly percent?: number; readonly absolute?: number };
  readonly weighOn?: string;
}

export interface StepDefinition {
  readonly id: string;
  readonly title: string;
  readonly instructions?: string;
  readonly unitProcedure?: string;
  readonly operation?: string;
  readonly after: readonly string[];
  readonly when?: string;
  readonly role: string;
  readonly verify?: string;
  readonly sign?: SignatureMeaning;
  readonly standardMs?: number;
  readonly within?: { readonly of: string; readonly maxMs: number };
  readonly wait?: { readonly after: string; readonly minMs: number };
  readonly uses: readonly string[];
  readonly consume: readonly ConsumeDefinition[];
  readonly produce?: { readonly material: string; readonly quantity?: QuantityDefinition };
  readonly fields: readonly FieldDefinition[];
}

export interface ProcedureDefinition {
  readonly procedure: string;
  readonly title: string;
  readonly kind: string;
  readonly product?: string;
  readonly equipment: Readonly<Record<string, { readonly class: string; readonly require: readonly string[] }>>;
  readonly materials: Readonly<Record<string, { readonly material: string; readonly require: readonly string[] }>>;
  readonly unitProcedures: readonly { readonly id: string; readonly title: string; readonly operations: readonly { readonly id: string; readonly title: string }[] }[];
  readonly steps: readonly StepDefinition[];
}

export interface EquipmentView {
  readonly id: string;
  readonly site: string;
  readonly name: string;
  readonly class: string;
  readonly status: string;
  readonly cleanUntil?: string;
  readonly calibrationDue?: string;
  readonly inUseBy?: { readonly batchId: string; readonly stepId: string };
  readonly statusReason?: string;
  readonly readiness: { readonly ready: boolean; readonly reasons: readonly string[]; readonly message?: string };
  readonly version: number;
}

export interface LotView {
  readonly id: string;
  readonly site: string;
  readonly material: string;
  readonly status: 'quarantine' | 'released' | 'rejected';
  readonly onHand: number;
  readonly unit: string;
  readonly expiry: string;
  readonly producedBy?: string;
  readonly rejectionReason?: string;
  readonly version: number;
}

/** An event as the live stream and the log deliver it. */
export interface LedgerEvent {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamPosition?: number;
  readonly type: string;
  readonly data: unknown;
  readonly actor: string;
  readonly recordedAt: string;
}
