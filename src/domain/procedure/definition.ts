/**
 * A procedure as the engine enforces it: the validated, normalised form of the YAML a process engineer
 * writes (see docs/procedure-language.md). Parsing and checking produce it; execution only reads it.
 * Durations are milliseconds, expressions are CEL source text, every reference has been resolved.
 */

export type ProcedureKind = 'batch' | 'device' | 'sop';

/** Severity of an exception, lowest first. */
export const SEVERITIES = ['info', 'minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Exception groups, after the execution systems people know. */
export const EXCEPTION_GROUPS = ['critical-value', 'process', 'resource', 'value', 'external'] as const;
export type ExceptionGroup = (typeof EXCEPTION_GROUPS)[number];

export type HoldScope = 'none' | 'step' | 'batch';

export const SIGNATURE_MEANINGS = ['performed', 'verified', 'reviewed', 'approved', 'released'] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

/** The SOP clause a rule enforces, e.g. "SOP-PRD-014 §5.3" → { document: 'SOP-PRD-014', clause: '5.3' }. */
export interface SopRef {
  readonly document: string;
  readonly clause?: string;
}

/** What an out-of-limit value starts: a deviation of this severity and group, holding the step or batch. */
export interface ExceptionPath {
  readonly severity: Severity;
  readonly group: ExceptionGroup;
  readonly hold: HoldScope;
  readonly ref?: SopRef;
}

/** A closed interval; either end may be open. */
export interface Range {
  readonly min?: number;
  readonly max?: number;
}

export interface Limits {
  /** Specification: outside is out of spec (recorded, never refused; starts the exception path). */
  readonly spec?: Range;
  /** Alert (action) limits inside spec: outside is flagged, no deviation. */
  readonly alert?: Range;
}

interface FieldBase {
  readonly id: string;
  readonly label: string;
  /** Whether the step can be completed without it (default true). */
  readonly required: boolean;
  readonly ref?: SopRef;
}

/** A yes/no confirmation; with `expect`, the other answer is out of spec. */
export interface CheckField extends FieldBase {
  readonly type: 'check';
  readonly expect?: boolean;
  readonly onOutOfSpec?: ExceptionPath;
}

/** A measured or computed number with its unit; `samples` > 1 records several values (mean/min/max). */
export interface NumberField extends FieldBase {
  readonly type: 'number';
  readonly unit: string;
  readonly samples: number;
  readonly decimals?: number;
  readonly limits?: Limits;
  /** CEL over earlier fields, parameters and batch_size: the system calculates it, nobody types it. */
  readonly compute?: string;
  readonly onOutOfSpec?: ExceptionPath;
}

export interface TextField extends FieldBase {
  readonly type: 'text';
  /** A regular expression (whole value) the text must match, e.g. a serial number format. */
  readonly pattern?: string;
  readonly maxLength: number;
}

export interface ChoiceField extends FieldBase {
  readonly type: 'choice';
  readonly options: readonly string[];
  /** The acceptable options; choosing another is out of spec. */
  readonly expect?: readonly string[];
  readonly onOutOfSpec?: ExceptionPath;
}

/** A scanned or typed lot id, checked against a material of the procedure. */
export interface LotField extends FieldBase {
  readonly type: 'lot';
  readonly material?: string;
}

/** A scanned or typed equipment id, checked against an equipment alias of the procedure. */
export interface EquipmentField extends FieldBase {
  readonly type: 'equipment';
  readonly equipment?: string;
}

export type FieldDefinition = CheckField | NumberField | TextField | ChoiceField | LotField | EquipmentField;
export type FieldType = FieldDefinition['type'];

export type EquipmentRequirement = 'clean' | 'calibrated';

export interface EquipmentSlot {
  /** Equipment class that may fill the slot, e.g. "tablet-press". */
  readonly class: string;
  readonly require: readonly EquipmentRequirement[];
}

export type MaterialRequirement = 'released' | 'in-date';

export interface MaterialSlot {
  /** Material code, e.g. "PX10-GRAN". */
  readonly material: string;
  readonly require: readonly MaterialRequirement[];
}

/** A quantity that may scale with the batch: a number, or CEL over batch_size and parameters. */
export interface QuantityDefinition {
  readonly value?: number;
  readonly expression?: string;
  readonly unit: string;
}

export interface Tolerance {
  /** Relative tolerance in percent of the target. */
  readonly percent?: number;
  /** Absolute tolerance in the quantity's unit. */
  readonly absolute?: number;
}

export interface ConsumeDefinition {
  /** Material alias of the procedure. */
  readonly material: string;
  readonly quantity: QuantityDefinition;
  readonly tolerance: Tolerance;
  /** Equipment alias of the balance the quantity must be weighed on. */
  readonly weighOn?: string;
  readonly ref?: SopRef;
}

export interface ProduceDefinition {
  readonly material: string;
  readonly quantity?: QuantityDefinition;
}

/** Live process data a step watches (MQTT tags), with limits. */
export interface ProcessTag {
  readonly tag: string;
  readonly unit: string;
  readonly limits?: Limits;
  readonly onOutOfSpec?: ExceptionPath;
}

/** In-process checks repeated while the step runs, e.g. every 30 minutes. */
export interface RepeatDefinition {
  readonly everyMs: number;
  readonly fields: readonly string[];
}

export interface StepDefinition {
  readonly id: string;
  readonly title: string;
  readonly instructions?: string;
  /** ISA-88 grouping; ids of the procedure's unit procedures and their operations. */
  readonly unitProcedure?: string;
  readonly operation?: string;
  /** Steps that must be done (or skipped) first; empty for a first step. */
  readonly after: readonly string[];
  /** CEL: when false as the step becomes ready, the step is skipped (recorded as such). */
  readonly when?: string;
  readonly role: string;
  /** Role of the second person who verifies; never the performer. */
  readonly verify?: string;
  /** Meaning of the performer's electronic signature required to complete the step. */
  readonly sign?: SignatureMeaning;
  /** Standard time, for delays. */
  readonly standardMs?: number;
  /** Hold-time limit: this step must start within `maxMs` of the completion of step `of`. */
  readonly within?: { readonly of: string; readonly maxMs: number; readonly ref?: SopRef };
  /** Minimum wait: this step may start only `minMs` after the completion of step `after`. */
  readonly wait?: { readonly after: string; readonly minMs: number; readonly ref?: SopRef };
  /** Equipment aliases the step uses (their requirements are checked at start). */
  readonly uses: readonly string[];
  readonly consume: readonly ConsumeDefinition[];
  readonly produce?: ProduceDefinition;
  readonly fields: readonly FieldDefinition[];
  readonly repeat?: RepeatDefinition;
  readonly process: readonly ProcessTag[];
  readonly ref?: SopRef;
}

export interface Operation {
  readonly id: string;
  readonly title: string;
}

export interface UnitProcedure {
  readonly id: string;
  readonly title: string;
  readonly operations: readonly Operation[];
}

export interface FormulaParameter {
  readonly value: number;
  readonly unit?: string;
  readonly description?: string;
}

export interface BatchSize {
  readonly unit: string;
  readonly min?: number;
  readonly max?: number;
  readonly nominal?: number;
}

export interface ProcedureDefinition {
  /** Procedure code, e.g. "PX10-COMPRESSION"; versions are numbered by the system. */
  readonly procedure: string;
  readonly title: string;
  readonly kind: ProcedureKind;
  readonly product?: string;
  /** The SOP this procedure implements; clause refs elsewhere may omit the document. */
  readonly sop?: SopRef;
  readonly batchSize?: BatchSize;
  readonly parameters: Readonly<Record<string, FormulaParameter>>;
  readonly equipment: Readonly<Record<string, EquipmentSlot>>;
  readonly materials: Readonly<Record<string, MaterialSlot>>;
  readonly unitProcedures: readonly UnitProcedure[];
  /** In document order; `after` gives the graph. */
  readonly steps: readonly StepDefinition[];
}
