/**
 * Verifies an exported batch record on its own, without the database (`bes verify --record`): each event's
 * hash recomputed from its content, the chains of the streams the record holds whole, each event's
 * inclusion proof against the root of the checkpoint, the checkpoint's Ed25519 signature, every section
 * re-derived from the events and compared with the file, and every signature's binding to its step content.
 */
import { canonicalJson, eventHash } from '../store/ledger/event-hash.ts';
import { leafHash } from '../store/ledger/merkle.ts';
import { ProofError, verifyInclusion } from '../store/ledger/proofs.ts';
import { CheckpointError, parseVerifierKey, verifyCheckpoint, type Checkpoint, type NoteVerifier } from '../store/ledger/checkpoint-note.ts';
import { deriveRecord } from './derive-record.ts';
import { firstDifference } from './json-difference.ts';
import { streamEvidence, type CheckedEvent } from './ledger-evidence.ts';
import type { VerifyProblem } from '../store/ledger/verify-checks.ts';
import { wholeStreams } from './record-context.ts';
import { BatchRecordSchema, DERIVED_SECTIONS, type BatchRecord, type DerivedRecord, type RecordEvent } from './record-schema.ts';

export type RecordProblemKind =
  | 'malformed'
  | 'no_key'
  | 'checkpoint_invalid'
  | 'event_order'
  | 'event_altered'
  | 'chain_broken'
  | 'unsealed'
  | 'proof_invalid'
  | 'content_mismatch'
  | 'signature_mismatch';

export interface RecordProblem {
  readonly kind: RecordProblemKind;
  readonly globalPosition?: number;
  readonly message: string;
}

export interface RecordReport {
  readonly ok: boolean;
  readonly batchId: string | null;
  readonly events: number;
  readonly proofsVerified: number;
  readonly checkpoint: (Checkpoint & { readonly key: string }) | null;
  /** Where the trusted key came from: given by the auditor, or (weaker) the record's own reference. */
  readonly keySource: 'given' | 'record' | null;
  readonly signatures: { readonly total: number; readonly valid: number };
  readonly problems: readonly RecordProblem[];
  readonly warnings: readonly string[];
}

export interface VerifyRecordOptions {
  /** Keys the auditor trusts (the installation's published ledger.vkey). Without them the record's own key reference is used, with a warning. */
  readonly verifiers?: readonly NoteVerifier[];
}

const HEX64 = /^[0-9a-f]{64}$/;

function keyName(verifier: NoteVerifier): string {
  return `${verifier.name}+${verifier.keyId.toString('hex')}`;
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

function keysFor(record: BatchRecord, options: VerifyRecordOptions, problems: RecordProblem[], warnings: string[]): { verifiers: readonly NoteVerifier[]; source: RecordReport['keySource'] } {
  if (options.verifiers !== undefined && options.verifiers.length > 0) return { verifiers: options.verifiers, source: 'given' };
  const vkey = record.verification.publicKey?.vkey;
  if (vkey === undefined) {
    problems.push({ kind: 'no_key', message: 'no key to check the checkpoint with: the record names none; pass --key with the installation\'s ledger.vkey' });
    return { verifiers: [], source: null };
  }
  try {
    const verifier = parseVerifierKey(vkey);
    warnings.push(`the checkpoint was checked with the key the record itself names (${keyName(verifier)}); compare it with the installation's published ledger.vkey, or pass --key`);
    return { verifiers: [verifier], source: 'record' };
  } catch (error) {
    problems.push({ kind: 'no_key', message: `the record's key reference is not a verifier key: ${(error as Error).message}` });
    return { verifiers: [], source: null };
  }
}

function checkpointOf(record: BatchRecord, verifiers: readonly NoteVerifier[], problems: RecordProblem[]): (Checkpoint & { key: string }) | null {
  const claimed = record.verification.checkpoint;
  if (claimed === null) {
    problems.push({ kind: 'unsealed', message: 'the record holds no signed checkpoint: none of its events can be proven' });
    return null;
  }
  if (verifiers.length === 0) return null;
  let checkpoint: Checkpoint;
  try {
    checkpoint = verifyCheckpoint(claimed.note, verifiers);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    problems.push({ kind: 'checkpoint_invalid', message: `the checkpoint's signature does not verify: ${error.message}` });
    return null;
  }
  if (claimed.size !== checkpoint.size || claimed.rootHash !== checkpoint.rootHash || claimed.origin !== checkpoint.origin) {
    problems.push({ kind: 'checkpoint_invalid', message: 'the checkpoint fields of the record do not match its signed note' });
  }
  // Which of the trusted keys signed it, to name it in the report.
  const signer = verifiers.find((v) => {
    try {
      verifyCheckpoint(claimed.note, [v]);
      return true;
    } catch {
      return false;
    }
  });
  return { ...checkpoint, key: signer === undefined ? checkpoint.origin : keyName(signer) };
}

function checkProof(e: RecordEvent, hash: string, record: BatchRecord, checkpoint: Checkpoint, problems: RecordProblem[]): boolean {
  const at = e.globalPosition;
  if (at > checkpoint.size) {
    problems.push({ kind: 'unsealed', globalPosition: at, message: `event ${at} is after the checkpoint (size ${checkpoint.size}): it cannot be proven; export again after the next checkpoint` });
    return false;
  }
  const proof = record.verification.proofs.find((p) => p.globalPosition === at);
  const fail = (why: string) => {
    problems.push({ kind: 'proof_invalid', globalPosition: at, message: `event ${at} (${e.type} in ${e.streamId}) is not proven to be in the signed log: ${why}` });
    return false;
  };
  if (proof === undefined) return fail('the record holds no inclusion proof for it');
  if (proof.leafIndex !== at - 1 || proof.treeSize !== checkpoint.size) return fail('its proof is for another leaf or tree');
  if (!proof.path.every((h) => HEX64.test(h))) return fail('its proof holds something that is not a SHA-256 hash');
  try {
    verifyInclusion(at - 1, checkpoint.size, leafHash(hash), proof.path.map((h) => Buffer.from(h, 'hex')), Buffer.from(checkpoint.rootHash, 'hex'));
    return true;
  } catch (error) {
    if (error instanceof ProofError) return fail(error.message);
    throw error;
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
