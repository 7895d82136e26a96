/**
 * The exported batch record (EBR, or DHR for devices) as an open JSON format: what `GET
 * /api/batches/{id}/record` answers, what `bes export` writes and what `bes verify --record` reads. Every
 * section except `exportedAt` and `verification` is derived from the events in `auditTrail` alone
 * (derive-record.ts), so a verifier re-derives it and any edit of the file shows. See docs/record.md.
 */
import { z } from 'zod';

export const RECORD_FORMAT = 'openbes-batch-record/1';

const StoredValue = z.union([
  z.number(),
  z.boolean(),
  z.string(),
  z.strictObject({ values: z.array(z.number()).readonly(), mean: z.number(), min: z.number(), max: z.number() }),
]);
const Evaluation = z.enum(['in_spec', 'alert', 'out_of_spec', 'unchecked']);
const Range = z.strictObject({ min: z.number().optional(), max: z.number().optional() });
const Limits = z.strictObject({ spec: Range.optional(), alert: Range.optional() });

/** Who did something, their printed name, when (server time) and the event that records it. */
const Who = z.strictObject({ id: z.string(), name: z.string().nullable(), at: z.string(), position: z.number().int() });

/** One event exactly as the ledger holds it: the evidence everything else is derived from. */
export const RecordEventSchema = z.strictObject({
  globalPosition: z.number().int().positive(),
  streamId: z.string(),
  streamPosition: z.number().int().positive(),
  type: z.string(),
  data: z.unknown(),
  actor: z.string(),
  recordedAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

const FieldEntry = z.strictObject({
  round: z.number().int(),
  value: StoredValue,
  evaluation: Evaluation,
  by: z.string(),
  name: z.string().nullable(),
  at: z.string(),
  position: z.number().int(),
  /** The expression the system calculated it with; null for a value a person entered. */
  computed: z.string().nullable(),
});

const Correction = z.strictObject({
  previous: StoredValue,
  value: StoredValue,
  evaluation: Evaluation,
  reason: z.string(),
  by: z.string(),
  name: z.string().nullable(),
  at: z.string(),
  position: z.number().int(),
});

const FieldRecord = z.strictObject({
  id: z.string(),
  label: z.string(),
  type: z.string(),
  unit: z.string().nullable(),
  required: z.boolean(),
  limits: Limits.nullable(),
  /** What a check or choice field expects; other answers are out of spec. */
  expect: z.union([z.boolean(), z.array(z.string()).readonly()]).nullable(),
  entries: z.array(FieldEntry),
  corrections: z.array(Correction),
  /** The value as it stands after every entry and correction. */
  current: z.strictObject({ value: StoredValue, evaluation: Evaluation }).nullable(),
});

const SignatureRecord = z.strictObject({
  meaning: z.string(),
  by: z.string(),
  /** Printed name at signing (Part 11 §11.50). */
  name: z.string(),
  at: z.string(),
  position: z.number().int(),
  event: z.string(),
  /** The hash of the step content the signer was shown and signed (§11.70); null for an unbound signature. */
  recordHash: z.string().nullable(),
  contentHashWhenSigned: z.string(),
  contentHashNow: z.string(),
  /** The content right before the signature's event matched recordHash. */
  validWhenSigned: z.boolean().nullable(),
  /** The content now (signature-binding.ts) matches recordHash: the signature still covers the record. */
  valid: z.boolean().nullable(),
  /** Events after the signature that changed the signed content (corrections), by global position. */
  changedBy: z.array(z.number().int()),
});

const Consumption = z.strictObject({
  alias: z.string(),
  materialCode: z.string(),
  lotId: z.string(),
  quantity: z.number(),
  unit: z.string(),
  balanceId: z.string().nullable(),
  target: z.strictObject({ quantity: z.number(), unit: z.string(), tolerance: z.number(), consumedInTargetUnit: z.number() }),
  by: z.string(),
  name: z.string().nullable(),
  at: z.string(),
  position: z.number().int(),
});

/** A watched process tag out of its specification while the step ran (from the process data interface). */
const Excursion = z.strictObject({
  tag: z.string(),
  /** Where the values came from: the tag with the equipment the step used, e.g. P-01/compression-force. */
  source: z.string(),
  unit: z.string(),
  limits: Limits.nullable(),
  started: z.strictObject({ value: z.number(), at: z.string(), position: z.number().int() }),
  ended: z.strictObject({ value: z.number(), at: z.string(), position: z.number().int() }).nullable(),
});

const StepRecord = z.strictObject({
  id: z.string(),
  title: z.string(),
  instructions: z.string().nullable(),
  role: z.string(),
  verifyRole: z.string().nullable(),
  signMeaning: z.string().nullable(),
  /** The `when` condition of a conditional step. */
  condition: z.string().nullable(),
  status: z.string(),
  skipped: z.strictObject({ condition: z.string(), reason: z.string(), at: z.string(), position: z.number().int() }).nullable(),
  started: Who.nullable(),
  completed: Who.nullable(),
  verified: Who.nullable(),
  performers: z.array(z.strictObject({ id: z.string(), name: z.string().nullable() })),
  equipment: z.array(z.strictObject({ alias: z.string(), equipmentId: z.string(), class: z.string().nullable() })),
  materials: z.array(Consumption),
  producedLot: z.strictObject({ lotId: z.string(), quantity: z.number(), unit: z.string() }).nullable(),
  fields: z.array(FieldRecord),
  excursions: z.array(Excursion),
  signatures: z.array(SignatureRecord),
  deviations: z.array(z.string()),
});

const Section = z.strictObject({
  unitProcedure: z.strictObject({ id: z.string(), title: z.string() }).nullable(),
  operation: z.strictObject({ id: z.string(), title: z.string() }).nullable(),
  steps: z.array(StepRecord),
});

const Header = z.strictObject({
  batchId: z.string(),
  lot: z.string().nullable(),
  product: z.string().nullable(),
  site: z.string(),
  kind: z.string(),
  procedure: z.strictObject({
    code: z.string(),
    title: z.string(),
    version: z.number().int(),
    sop: z.string().nullable(),
    sourceHash: z.string().nullable(),
    drafted: Who.nullable(),
    approved: Who.nullable(),
    effective: Who.nullable(),
  }),
  batchSize: z.strictObject({ value: z.number().nullable(), unit: z.string().nullable() }),
  status: z.string(),
  created: Who,
  completed: Who.nullable(),
  producedLots: z.array(z.strictObject({ lotId: z.string(), quantity: z.number(), unit: z.string(), stepId: z.string(), position: z.number().int() })),
});

const Hold = z.strictObject({
  holdId: z.string(),
  stepId: z.string().nullable(),
  reason: z.string(),
  deviationId: z.string().nullable(),
  placed: Who,
  released: Who.extend({ reason: z.string() }).nullable(),
});

const Deviation = z.strictObject({
  deviationId: z.string(),
  stepId: z.string(),
  fieldId: z.string().nullable(),
  severity: z.string(),
  group: z.string(),
  hold: z.string(),
  message: z.string(),
  value: StoredValue.nullable(),
  limits: Limits.nullable(),
  raised: Who,
  /** From the deviation's own stream; "unknown" when the record does not hold it. */
  status: z.string(),
  events: z.array(z.number().int()),
});

const Refusal = z.strictObject({
  position: z.number().int(),
  at: z.string(),
  by: z.string(),
  name: z.string().nullable(),
  command: z.string(),
  code: z.string(),
  message: z.string(),
  stepId: z.string().nullable(),
  input: z.unknown(),
});

const Person = z.strictObject({ id: z.string(), name: z.string(), position: z.number().int() });

const StreamEvidence = z.strictObject({
  streamId: z.string(),
  /** Every event of the stream (up to its head at export) is in the record, so its chain is checked whole. */
  complete: z.boolean(),
  events: z.number().int(),
  head: z.string(),
  chainVerified: z.boolean(),
});

const Verification = z.strictObject({
  method: z.string(),
  eventsVerified: z.boolean(),
  streams: z.array(StreamEvidence),
  /** What the exporting server found wrong with its own ledger, in words (empty when nothing). */
  problems: z.array(z.string()),
  checkpoint: z.strictObject({ note: z.string(), origin: z.string(), size: z.number().int(), rootHash: z.string() }).nullable(),
  /** The verifier key (vkey) of the key that signed the checkpoint: a reference to compare with the published key. */
  publicKey: z.strictObject({ name: z.string(), keyId: z.string(), vkey: z.string() }).nullable(),
  proofs: z.array(z.strictObject({ globalPosition: z.number().int(), leafIndex: z.number().int(), treeSize: z.number().int(), path: z.array(z.string()) })),
  /** Events after the checkpoint: not provable until the next one is signed. */
  unsealed: z.array(z.number().int()),
  log: z.strictObject({ size: z.number().int(), rootHash: z.string() }),
});

export const BatchRecordSchema = z.strictObject({
  format: z.literal(RECORD_FORMAT),
  exportedAt: z.string(),
  header: Header,
  sections: z.array(Section),
  holds: z.array(Hold),
  deviations: z.array(Deviation),
  refusals: z.array(Refusal),
  people: z.array(Person),
  auditTrail: z.array(RecordEventSchema),
  verification: Verification,
});

export type BatchRecord = z.infer<typeof BatchRecordSchema>;
export type RecordEvent = z.infer<typeof RecordEventSchema>;
export type RecordHeader = z.infer<typeof Header>;
export type RecordSection = z.infer<typeof Section>;
export type StepRecord = z.infer<typeof StepRecord>;
export type FieldRecord = z.infer<typeof FieldRecord>;
export type FieldEntry = z.infer<typeof FieldEntry>;
export type SignatureRecord = z.infer<typeof SignatureRecord>;
export type ExcursionRecord = z.infer<typeof Excursion>;
export type HoldRecord = z.infer<typeof Hold>;
export type DeviationRecord = z.infer<typeof Deviation>;
export type RefusalRecord = z.infer<typeof Refusal>;
export type PersonRecord = z.infer<typeof Person>;
export type WhoRecord = z.infer<typeof Who>;
export type RecordVerification = z.infer<typeof Verification>;
export type StreamEvidence = z.infer<typeof StreamEvidence>;

/** The sections derived from the events (everything a verifier recomputes and compares). */
export const DERIVED_SECTIONS = ['header', 'sections', 'holds', 'deviations', 'refusals', 'people'] as const;
export type DerivedRecord = Pick<BatchRecord, (typeof DERIVED_SECTIONS)[number]>;
