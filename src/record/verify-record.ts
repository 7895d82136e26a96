/**
 * Verifies an exported batch record on its own, without the database (`bes verify --record`): each event's
 * hash recomputed from its content, the chains of the streams the record holds whole, each event's
 * inclusion proof against the root of the checkpoint, the checkpoint's Ed25519 signature, every section
 * re-derived from the events and compared with the file, and every signature's binding to its step content.
 */
import { canonicalJson, eventHash } from '../store/ledger/event-hash.ts';
import type { Checkpoint, NoteVerifier } from '../store/ledger/checkpoint-note.ts';
import { deriveRecord } from './derive-record.ts';
import { firstDifference } from './json-difference.ts';
import { streamEvidence, type CheckedEvent } from './ledger-evidence.ts';
import type { VerifyProblem } from '../store/ledger/verify-checks.ts';
import { wholeStreams } from './record-context.ts';
import type { RecordProblem } from './record-problems.ts';
import { BatchRecordSchema, DERIVED_SECTIONS, type BatchRecord, type DerivedRecord, type RecordEvent } from './record-schema.ts';
import { checkProof, checkpointOf, keysFor, type KeySource } from './verify-seal.ts';

export type { RecordProblem, RecordProblemKind } from './record-problems.ts';

export interface RecordReport {
  readonly ok: boolean;
  readonly batchId: string | null;
  readonly events: number;
  readonly proofsVerified: number;
  readonly checkpoint: (Checkpoint & { readonly key: string }) | null;
  readonly keySource: KeySource;
  readonly signatures: { readonly total: number; readonly valid: number };
  readonly problems: readonly RecordProblem[];
  readonly warnings: readonly string[];
}

export interface VerifyRecordOptions {
  /** Keys the auditor trusts (the installation's published ledger.vkey). Without them the record's own key reference is used, with a warning. */
  readonly verifiers?: readonly NoteVerifier[];
}

/** Normalises a derived value to what JSON can say, for comparison with the parsed file. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function recomputedHash(e: RecordEvent): string | undefined {
  try {
    return eventHash({ ...e, data: canonicalJson(e.data) });
  } catch {
    return undefined;
  }
}

/** The batch a record's events are of: the one batch stream that begins with BatchCreated. */
function batchIdOf(events: readonly RecordEvent[]): string | undefined {
  const created = events.filter((e) => e.type === 'BatchCreated' && e.streamId.startsWith('batch-'));
  return created.length === 1 ? created[0]!.streamId.slice('batch-'.length) : undefined;
}

/** Derives the record again from its events and compares every section; checks signatures as derived. */
function checkContent(input: Record<string, unknown>, record: BatchRecord, batchId: string, problems: RecordProblem[], warnings: string[]): { total: number; valid: number } {
  let derived: DerivedRecord;
  try {
    derived = asJson(deriveRecord(batchId, record.auditTrail)) as DerivedRecord;
  } catch (error) {
    problems.push({ kind: 'content_mismatch', message: `the record's events cannot be read as the record of batch ${batchId}: ${(error as Error).message}` });
    return { total: 0, valid: 0 };
  }
  for (const section of DERIVED_SECTIONS) {
    const where = firstDifference(input[section], derived[section], section);
    if (where !== undefined) problems.push({ kind: 'content_mismatch', message: `${where} does not say what the record's events say: the file was edited` });
  }
  // From the derivation, not the file: what the events say about each signature is what counts.
  let total = 0;
  let valid = 0;
  for (const step of derived.sections.flatMap((s) => s.steps)) {
    for (const s of step.signatures) {
      total++;
      const what = `the "${s.meaning}" signature of ${s.name} on step "${step.id}" (event ${s.position})`;
      if (s.validWhenSigned === false) {
        problems.push({ kind: 'signature_mismatch', globalPosition: s.position, message: `${what} does not match the step content recorded before it: the data it was made over is not the data recorded` });
      } else if (s.valid === false) {
        warnings.push(`${what} no longer covers the step: its content was changed after signing by event${s.changedBy.length > 1 ? 's' : ''} ${s.changedBy.join(', ')}`);
      } else if (s.valid === null) {
        warnings.push(`${what} carries no record hash: it is not bound to content and cannot be checked`);
      } else valid++;
    }
  }
  if (derived.header.status !== 'completed') warnings.push(`batch ${batchId} was ${derived.header.status.replace('_', ' ')} when exported: later events are not in this record`);
  return { total, valid };
}

/** Checks a parsed record file (any JSON value); never throws for what the file holds. */
export function verifyBatchRecord(input: unknown, options: VerifyRecordOptions = {}): RecordReport {
  const problems: RecordProblem[] = [];
  const warnings: string[] = [];
  const report = (extra: Partial<RecordReport> = {}): RecordReport => ({
    ok: problems.length === 0,
    batchId: null,
    events: 0,
    proofsVerified: 0,
    checkpoint: null,
    keySource: null,
    signatures: { total: 0, valid: 0 },
    problems,
    warnings,
    ...extra,
  });
  const parsed = BatchRecordSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    problems.push({ kind: 'malformed', message: `not an OpenBES batch record: ${issue.path.join('.') || '(top level)'}: ${issue.message}` });
    return report();
  }
  const record = parsed.data;
  const events = record.auditTrail;
  const batchId = batchIdOf(events);
  if (batchId === undefined) {
    problems.push({ kind: 'malformed', message: 'the record does not hold the creation of exactly one batch' });
    return report();
  }
  const keys = keysFor(record, options, problems, warnings);
  const checkpoint = checkpointOf(record, keys.verifiers, problems);

  const hashes = events.map(recomputedHash);
  events.forEach((e, i) => {
    if (i > 0 && e.globalPosition <= events[i - 1]!.globalPosition) {
      problems.push({ kind: 'event_order', globalPosition: e.globalPosition, message: `event ${e.globalPosition} comes after event ${events[i - 1]!.globalPosition}: the audit trail is not in log order` });
    }
  });
  const checked: CheckedEvent[] = events.map((e, i) => ({ ...e, recomputes: hashes[i] === e.hash }));
  const chainProblems: VerifyProblem[] = [];
  const streams = streamEvidence(checked, wholeStreams(batchId, events.filter((e) => e.streamId === `batch-${batchId}`)), chainProblems);
  for (const p of chainProblems) {
    problems.push({ kind: p.kind === 'event_altered' ? 'event_altered' : 'chain_broken', ...(p.globalPosition !== undefined ? { globalPosition: p.globalPosition } : {}), message: p.message });
  }
  let proofsVerified = 0;
  events.forEach((e, i) => {
    // The proof is of the hash recomputed from the content: an altered event cannot borrow its old leaf.
    const hash = hashes[i];
    if (checkpoint !== null && hash !== undefined && checkProof(e, hash, record, checkpoint, problems)) proofsVerified++;
  });
  // What the file claims about its own evidence must be what the evidence shows.
  const claims = (input as { verification: Record<string, unknown> }).verification;
  const evidence: Record<string, unknown> = { streams: asJson(streams), eventsVerified: checked.every((e) => e.recomputes) };
  if (checkpoint !== null) evidence.unsealed = events.filter((e) => e.globalPosition > checkpoint.size).map((e) => e.globalPosition);
  for (const [claim, value] of Object.entries(evidence)) {
    const where = firstDifference(claims[claim], value, `verification.${claim}`);
    if (where !== undefined) problems.push({ kind: 'content_mismatch', message: `${where} does not match the record's events: the file was edited` });
  }

  const signatures = checkContent(input as Record<string, unknown>, record, batchId, problems, warnings);
  for (const p of record.verification.problems) warnings.push(`the exporting server reported: ${p}`);
  problems.sort((a, b) => (a.globalPosition ?? Infinity) - (b.globalPosition ?? Infinity));
  return report({ batchId, events: events.length, proofsVerified, checkpoint, keySource: keys.source, signatures });
}
