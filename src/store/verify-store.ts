/**
 * Verification of a stored ledger with the trust anchors kept outside the database: the checkpoint file
 * and the verifier keys in the keys folder.
 */
import type { Backend } from './backend.ts';
import { readCheckpointFile } from './ledger/checkpoint-file.ts';
import { loadTrustedVerifiers } from './ledger/signing-key.ts';
import { verifyLedger, type VerifyLedgerInput, type VerifyReport } from './ledger/verify-ledger.ts';

export interface TrustAnchors {
  readonly checkpointFile: string;
  readonly keysDir: string;
}

/** How to verify: on two threads from which size (verify-ledger.ts), and being told which way it ran. */
export type VerifyOptions = Pick<VerifyLedgerInput, 'parallelThreshold' | 'onMode'>;

/** Runs every check of `bes verify` against an opened backend. */
export async function verifyStore(backend: Backend, anchors: TrustAnchors, options: VerifyOptions = {}): Promise<VerifyReport> {
  const [fileNotes, verifiers] = await Promise.all([
    readCheckpointFile(anchors.checkpointFile),
    loadTrustedVerifiers(anchors.keysDir),
  ]);
  return verifyLedger({ ...options, backend, fileNotes, verifiers });
}
