/**
 * The seal of an exported record: the key the checkpoint is checked with, the checkpoint's signature, and
 * each event's inclusion proof against the checkpoint's root.
 */
import { leafHash } from '../store/ledger/merkle.ts';
import { ProofError, verifyInclusion } from '../store/ledger/proofs.ts';
import { CheckpointError, parseVerifierKey, verifyCheckpoint, type Checkpoint, type NoteVerifier } from '../store/ledger/checkpoint-note.ts';
import type { RecordProblem } from './record-problems.ts';
import type { BatchRecord, RecordEvent } from './record-schema.ts';

/** Where the trusted key came from: given by the auditor, or (weaker) the record's own reference. */
export type KeySource = 'given' | 'record' | null;

const HEX64 = /^[0-9a-f]{64}$/;

function keyName(verifier: NoteVerifier): string {
  return `${verifier.name}+${verifier.keyId.toString('hex')}`;
}

/** The keys to check the checkpoint with: the auditor's, else (with a warning) the one the record names. */
export function keysFor(record: BatchRecord, options: { readonly verifiers?: readonly NoteVerifier[] }, problems: RecordProblem[], warnings: string[]): { verifiers: readonly NoteVerifier[]; source: KeySource } {
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

/** The checkpoint the record's note states, when a trusted key signed it; null (with a problem) otherwise. */
export function checkpointOf(record: BatchRecord, verifiers: readonly NoteVerifier[], problems: RecordProblem[]): (Checkpoint & { key: string }) | null {
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

/** Whether the event (by the hash recomputed from its content) is proven to be in the checkpoint's tree. */
export function checkProof(e: RecordEvent, hash: string, record: BatchRecord, checkpoint: Checkpoint, problems: RecordProblem[]): boolean {
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
