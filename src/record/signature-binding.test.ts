/**
 * The binding of a signature to its step content: "when signed" is the content before the signature's own
 * event, "now" is the content after every other event of the batch.
 */
import { describe, expect, it } from 'vitest';
import type { BatchEvent, Signature } from '../domain/execution/batch-events.ts';
import { evolveBatch, initialBatchState } from '../domain/execution/batch-state.ts';
import { procedure } from '../domain/execution/test-procedure.ts';
import { checkSignatures, type PositionedEvent } from './signature-binding.ts';
import { stepContentHash } from './step-content.ts';

const AT = '2026-11-25T06:00:00.000Z';
const created: BatchEvent = { type: 'BatchCreated', data: { batchId: 'B-1', site: 'S', procedure: procedure.procedure, version: 2, definition: procedure } };
const started = (by: string): BatchEvent => ({ type: 'StepStarted', data: { stepId: 'line-clearance', equipment: {}, by, name: by, at: AT } });
const recorded = (value: boolean): BatchEvent => ({ type: 'ValueRecorded', data: { stepId: 'line-clearance', fieldId: 'area_clear', value, evaluation: value ? 'in_spec' : 'out_of_spec', round: 1, by: 'oscar' } });
const corrected: BatchEvent = { type: 'ValueCorrected', data: { stepId: 'line-clearance', fieldId: 'area_clear', previous: true, value: false, evaluation: 'out_of_spec', reason: 'seen again', by: 'sam' } };
const signature = (by: string, recordHash?: string): Signature => ({ meaning: 'performed', by, name: by, at: AT, ...(recordHash !== undefined ? { recordHash } : {}) });
const completed = (by: string, sig: Signature): BatchEvent => ({ type: 'StepCompleted', data: { stepId: 'line-clearance', by, name: by, at: AT, signature: sig } });
const verified = (by: string, sig: Signature): BatchEvent => ({ type: 'StepVerified', data: { stepId: 'line-clearance', by, name: by, at: AT, signature: { ...sig, meaning: 'verified' } } });

/** Positions 1, 2, 3… for a list of batch events. */
const positioned = (events: readonly BatchEvent[]): PositionedEvent[] => events.map((e, i) => ({ globalPosition: i + 1, type: e.type, data: e.data }));
/** What the server binds a signature to: the content of the batch as it stands before the signing command. */
const hashBefore = (events: readonly BatchEvent[]) => stepContentHash(events.reduce(evolveBatch, initialBatchState), procedure.steps[0]!);

describe('checkSignatures', () => {
  it('holds a signature valid when nothing changed, even when the signer completes a step others performed', () => {
    const before = [created, started('oscar'), recorded(true)];
    const events = [...before, completed('olivia', signature('olivia', hashBefore(before)))];
    const [check] = checkSignatures(positioned(events));
    expect(check).toMatchObject({ stepId: 'line-clearance', event: 'StepCompleted', position: 4, validWhenSigned: true, valid: true, changedBy: [] });
    // Completing adds the signer to the performers: the one change the signature's own event may make.
    expect(stepContentHash(events.reduce(evolveBatch, initialBatchState), procedure.steps[0]!)).not.toBe(check!.signature.recordHash);
  });

  it("binds a verifier's signature to the content including the completer", () => {
    const upToCompletion = [created, started('oscar'), recorded(true), completed('olivia', signature('olivia', hashBefore([created, started('oscar'), recorded(true)])))];
    const events = [...upToCompletion, verified('sam', signature('sam', hashBefore(upToCompletion)))];
    expect(checkSignatures(positioned(events)).map((c) => c.valid)).toEqual([true, true]);
  });

  it('shows a correction after signing: valid when signed, not valid now, changed by the correction', () => {
    const before = [created, started('oscar'), recorded(true)];
    const events = [...before, completed('oscar', signature('oscar', hashBefore(before))), corrected];
    const [check] = checkSignatures(positioned(events));
    expect(check).toMatchObject({ validWhenSigned: true, valid: false, changedBy: [5] });
    expect(check!.contentHashNow).not.toBe(check!.contentHashWhenSigned);
  });

  it('shows a signature whose hash never matched the recorded content', () => {
    const before = [created, started('oscar'), recorded(false)];
    const signedOther = hashBefore([created, started('oscar'), recorded(true)]);
    const [check] = checkSignatures(positioned([...before, completed('oscar', signature('oscar', signedOther))]));
    expect(check).toMatchObject({ validWhenSigned: false, valid: false });
  });

  it('cannot check a signature without a record hash', () => {
    const [check] = checkSignatures(positioned([created, started('oscar'), recorded(true), completed('oscar', signature('oscar'))]));
    expect(check).toMatchObject({ validWhenSigned: null, valid: null });
  });

  it('refuses events that are not a batch with that step', () => {
    const bogus: BatchEvent = { type: 'StepCompleted', data: { stepId: 'no-such-step', by: 'x', name: 'x', at: AT, signature: signature('x', 'sha256:00') } };
    expect(() => checkSignatures(positioned([created, bogus]))).toThrow(/does not have/);
  });
});
