/** Review by exception lists only what needs a reviewer's eyes (web/src/qa/exceptions.ts). */
import { describe, expect, it } from 'vitest';
import type { BatchRecord, RecordField } from '../../web/src/api/record.ts';
import { exceptionsOf } from '../../web/src/qa/exceptions.ts';

const who = { id: 'olivia', name: 'Olivia Operator', at: '2026-11-25T08:00:00Z', position: 1 };
const field = (over: Partial<RecordField>): RecordField => ({ id: 'hardness', label: 'Hardness', unit: 'kP', limits: { spec: { min: 8, max: 12 }, alert: { min: 9, max: 11 } }, entries: [], corrections: [], current: null, ...over });
const entry = (value: number, evaluation: 'in_spec' | 'alert' | 'out_of_spec', round = 1) => ({ round, value, evaluation, by: 'olivia', name: 'Olivia Operator', at: who.at });

function record(over: Partial<BatchRecord> = {}, fields: RecordField[] = [], signatures: BatchRecord['sections'][number]['steps'][number]['signatures'] = []): BatchRecord {
  return {
    format: 'openbes-batch-record/1',
    header: { batchId: 'B-1', product: null, site: 'S', procedure: { code: 'P', title: 'P', version: 1 }, status: 'completed', created: who, completed: who },
    sections: [{ steps: [{ id: 'compress', title: 'Compress the tablets', status: 'done', started: who, completed: who, verified: null, fields, signatures, deviations: [] }] }],
    holds: [],
    deviations: [],
    refusals: [],
    verification: { eventsVerified: true, problems: [], streams: [] },
    ...over,
  };
}

describe('exceptionsOf', () => {
  it('has nothing for a batch in spec, signed and verified', () => {
    const signed = [{ meaning: 'performed', by: 'olivia', name: 'Olivia Operator', at: who.at, valid: true, changedBy: [] }];
    expect(exceptionsOf(record({}, [field({ entries: [entry(10, 'in_spec')] })], signed))).toEqual([]);
  });

  it('lists alert and out-of-spec values with their limits, and corrections with their reason', () => {
    const found = exceptionsOf(
      record({}, [field({ entries: [entry(10, 'in_spec'), entry(9.5, 'alert'), entry(7.1, 'out_of_spec', 2)], corrections: [{ previous: 7.1, value: 10.1, reason: 'typing error', by: 'olivia', name: 'Olivia Operator', at: who.at }] })]),
    );
    expect(found.map((e) => [e.kind, e.severity])).toEqual([
      ['value', 'warn'],
      ['value', 'bad'],
      ['correction', 'warn'],
    ]);
    expect(found[1]!.text).toMatch(/7\.1 kP is out of specification \(8 – 12 kP\), round 2/);
    expect(found[2]!.text).toMatch(/from 7\.1 to 10\.1: typing error/);
  });

  it('lists deviations, holds, refused attempts, broken signatures and ledger problems, naming steps by title', () => {
    const found = exceptionsOf(
      record(
        {
          deviations: [{ deviationId: 'B-1-D1', stepId: 'compress', fieldId: 'hardness', severity: 'major', group: 'value', message: 'Hardness out of spec', status: 'open', raised: who }],
          holds: [{ holdId: 'H1', stepId: null, reason: 'major deviation B-1-D1', deviationId: 'B-1-D1', placed: who, released: null }],
          refusals: [{ position: 3, at: who.at, by: 'uma', name: 'Uma Untrained', command: 'StartStep', code: 'not_trained', message: 'Uma is not trained', stepId: 'compress' }],
          verification: { eventsVerified: false, problems: ['event 12 does not match its hash'], streams: [] },
        },
        [],
        [{ meaning: 'performed', by: 'olivia', name: 'Olivia Operator', at: who.at, valid: false, changedBy: [14] }],
      ),
    );
    expect(found.map((e) => e.kind).sort()).toEqual(['deviation', 'hold', 'ledger', 'refusal', 'signature']);
    expect(found.find((e) => e.kind === 'deviation')!.step).toBe('Compress the tablets');
    expect(found.find((e) => e.kind === 'hold')!.text).toMatch(/Still in place/);
    expect(found.find((e) => e.kind === 'refusal')!.severity).toBe('info');
    expect(found.find((e) => e.kind === 'signature')!.text).toMatch(/no longer covers .* event 14/);
  });
});
