import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../store/ledger/verify-ledger.ts';
import type { SignatureReport } from '../../record/verify-stored-signatures.ts';
import { formatWithSignatures } from './verify.ts';

const ledger: VerifyReport = { ok: true, events: 20, streams: 3, checkpoints: 1, sealedSize: 20, rootHash: 'ab'.repeat(32), problems: [], warnings: [] };
const signatures = (problems: SignatureReport['problems']): SignatureReport => ({ ok: problems.length === 0, batches: 1, signatures: 2, valid: 2 - problems.length, problems, notes: [] });
const forged = { batchId: 'B-1', stepId: 's', globalPosition: 9, message: 'the "performed" signature of X on step "s" of batch B-1 (event 9) does not match the step content recorded before it: the signed data was altered' };

describe('the report of bes verify', () => {
  it('says OK and how many signatures match when everything holds', () => {
    const text = formatWithSignatures(ledger, signatures([]), 1);
    expect(text.split('\n').slice(0, 2)).toEqual(['OK: 20 events in 3 streams verified; 1 signed checkpoints consistent', '  2 of 2 electronic signatures on 1 batches match the step content they signed']);
  });

  it('fails an intact ledger on a signature that does not match its data, naming it first', () => {
    const text = formatWithSignatures(ledger, signatures([forged]), 1);
    expect(text.split('\n')[0]).toBe(`FAILED: first broken event is 9: ${forged.message}`);
  });

  it('lists signature problems after the ledger problems', () => {
    const broken: VerifyReport = { ...ledger, ok: false, problems: [{ kind: 'event_altered', globalPosition: 7, message: 'event 7 (X in batch-B-1) was altered after it was recorded' }] };
    const lines = formatWithSignatures(broken, signatures([forged]), 1).split('\n');
    expect(lines[0]).toBe('FAILED: first broken event is 7: event 7 (X in batch-B-1) was altered after it was recorded');
    expect(lines[1]).toBe(`  also: ${forged.message}`);
  });
});
