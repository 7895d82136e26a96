/** Material lots, given / when / then: every accepted command and every refusal code. */
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../shared/decider.ts';
import type { LotCommand } from './lot-commands.ts';
import { lotDecider } from './lot-decider.ts';
import type { LotEvent } from './lot-events.ts';
import { consumedBy, lotMaterial } from './lot-state.ts';
import { specFor } from './spec.ts';
import { NOW, as } from './test-fixtures.ts';

const given = specFor(lotDecider);
const lotId = 'L-2291';
const facts = { lotId, site: 'S1', material: 'PX10-GRAN', quantity: 25, unit: 'kg', expiry: '2027-03-31' };

const received: LotEvent = { type: 'LotReceived', data: facts };
const released: LotEvent = { type: 'LotReleased', data: { lotId } };
const rejected: LotEvent = { type: 'LotRejected', data: { lotId, reason: 'assay out of spec' } };
const consumed = (quantity: number, requested = { quantity, unit: 'kg' }): LotEvent => ({
  type: 'LotConsumed',
  data: { lotId, batchId: 'B-1', stepId: 'charge', quantity, unit: 'kg', requested },
});
const consume = (quantity: number, unit = 'kg', require: ('released' | 'in-date')[] = ['released', 'in-date']): LotCommand => ({
  type: 'ConsumeLot',
  data: { batchId: 'B-1', stepId: 'charge', quantity, unit, require },
});
const receive = (data: Partial<typeof facts> = {}): LotCommand => ({ type: 'ReceiveLot', data: { ...facts, ...data } });
const produce = (data: Partial<typeof facts & { batchId: string }> = {}): LotCommand => ({
  type: 'RegisterProducedLot',
  data: { ...facts, lotId: 'L-9001', material: 'PX10-TAB', quantity: 100000, unit: 'tablets', batchId: 'B-1', ...data },
});

type Case = { name: string; given: LotEvent[]; when: LotCommand; as: DecisionContext; then: LotEvent[] | string };

const accepted: Case[] = [
  { name: 'an operator receives a lot into quarantine', given: [], when: receive(), as: as('operator'), then: [received] },
  {
    name: 'execution registers the lot a batch made (no role check)',
    given: [],
    when: produce(),
    as: as('operator'),
    then: [{ type: 'LotProduced', data: { ...facts, lotId: 'L-9001', material: 'PX10-TAB', quantity: 100000, unit: 'tablets', batchId: 'B-1' } }],
  },
  { name: 'qa releases a quarantined lot', given: [received], when: { type: 'ReleaseLot', data: {} }, as: as('qa'), then: [released] },
  { name: 'qa releases a lot on its expiry day', given: [{ type: 'LotReceived', data: { ...facts, expiry: '2026-11-24' } }], when: { type: 'ReleaseLot', data: {} }, as: as('qa'), then: [released] },
  { name: 'qa rejects a quarantined lot', given: [received], when: { type: 'RejectLot', data: { reason: 'assay out of spec' } }, as: as('qa'), then: [rejected] },
  { name: 'qa rejects a released lot', given: [received, released], when: { type: 'RejectLot', data: { reason: 'assay out of spec' } }, as: as('qa'), then: [rejected] },
  { name: 'a step consumes from a released lot', given: [received, released], when: consume(12.5), as: as('operator'), then: [consumed(12.5)] },
  { name: 'a step consumes the whole lot', given: [received, released, consumed(12.5)], when: consume(12.5), as: as('operator'), then: [consumed(12.5)] },
  { name: 'grams are converted to the lot unit', given: [received, released], when: consume(2500, 'g'), as: as('operator'), then: [consumed(2.5, { quantity: 2500, unit: 'g' })] },
  { name: 'without requirements, a quarantined lot may be consumed', given: [received], when: consume(1, 'kg', []), as: as('operator'), then: [consumed(1)] },
  { name: 'a lot is usable through its expiry day', given: [{ type: 'LotReceived', data: { ...facts, expiry: '2026-11-24' } }, released], when: consume(1), as: as('operator', '2026-11-24T23:59:59.000Z'), then: [consumed(1)] },
  {
    name: 'a supervisor corrects the quantity on hand',
    given: [received, released, consumed(10)],
    when: { type: 'AdjustLot', data: { quantity: 14.2, reason: 'cycle count' } },
    as: as('supervisor'),
    then: [{ type: 'LotAdjusted', data: { lotId, from: 15, to: 14.2, unit: 'kg', reason: 'cycle count' } }],
  },
  {
    name: 'qa records a count to zero',
    given: [received],
    when: { type: 'AdjustLot', data: { quantity: 0, reason: 'drum damaged, destroyed' } },
    as: as('qa'),
    then: [{ type: 'LotAdjusted', data: { lotId, from: 25, to: 0, unit: 'kg', reason: 'drum damaged, destroyed' } }],
  },
];

const refused: Case[] = [
  { name: 'an engineer cannot receive a lot', given: [], when: receive(), as: as('engineer'), then: 'role_not_permitted' },
  { name: 'a supervisor cannot release a lot', given: [received], when: { type: 'ReleaseLot', data: {} }, as: as('supervisor'), then: 'role_not_permitted' },
  { name: 'an operator cannot reject a lot', given: [received], when: { type: 'RejectLot', data: { reason: 'x' } }, as: as('operator'), then: 'role_not_permitted' },
  { name: 'an operator cannot correct a quantity', given: [received], when: { type: 'AdjustLot', data: { quantity: 1, reason: 'x' } }, as: as('operator'), then: 'role_not_permitted' },
  { name: 'receiving at another site', given: [], when: receive({ site: 'S2' }), as: as('operator'), then: 'site_mismatch' },
  { name: 'releasing from another site', given: [received], when: { type: 'ReleaseLot', data: {} }, as: as('qa', NOW, 'S2'), then: 'site_mismatch' },
  { name: 'receiving a lot twice', given: [received], when: receive(), as: as('operator'), then: 'already_registered' },
  { name: 'registering a produced lot over an existing one', given: [received], when: produce({ lotId }), as: as('operator'), then: 'already_registered' },
  { name: 'releasing an unknown lot', given: [], when: { type: 'ReleaseLot', data: {} }, as: as('qa'), then: 'lot_not_registered' },
  { name: 'consuming an unknown lot', given: [], when: consume(1), as: as('operator'), then: 'lot_not_registered' },
  { name: 'a negative quantity received', given: [], when: receive({ quantity: -1 }), as: as('operator'), then: 'invalid_value' },
  { name: 'an empty lot number', given: [], when: receive({ lotId: '' }), as: as('operator'), then: 'invalid_value' },
  { name: 'an impossible expiry date', given: [], when: receive({ expiry: '2027-02-29' }), as: as('operator'), then: 'invalid_value' },
  { name: 'a produced lot without its batch', given: [], when: produce({ batchId: '' }), as: as('operator'), then: 'invalid_value' },
  { name: 'rejecting without a reason', given: [received], when: { type: 'RejectLot', data: { reason: '' } }, as: as('qa'), then: 'invalid_value' },
  { name: 'consuming zero', given: [received, released], when: consume(0), as: as('operator'), then: 'invalid_value' },
  { name: 'consuming a quantity that is no number', given: [received, released], when: consume(Number.NaN), as: as('operator'), then: 'invalid_value' },
  { name: 'consuming less than the stock grid', given: [received, released], when: consume(1e-12), as: as('operator'), then: 'invalid_value' },
  { name: 'receiving less than the stock grid', given: [], when: receive({ quantity: 1e-12 }), as: as('operator'), then: 'invalid_value' },
  { name: 'consuming in an unconvertible unit', given: [received, released], when: consume(2, 'L'), as: as('operator'), then: 'invalid_value' },
  { name: 'consuming with an unknown requirement', given: [received, released], when: consume(1, 'kg', ['sterile' as never]), as: as('operator'), then: 'invalid_value' },
  { name: 'a negative count', given: [received], when: { type: 'AdjustLot', data: { quantity: -0.5, reason: 'count' } }, as: as('qa'), then: 'invalid_value' },
  { name: 'a count without a reason', given: [received], when: { type: 'AdjustLot', data: { quantity: 3, reason: ' ' } }, as: as('qa'), then: 'invalid_value' },
  { name: 'releasing a released lot', given: [received, released], when: { type: 'ReleaseLot', data: {} }, as: as('qa'), then: 'lot_not_in_quarantine' },
  { name: 'releasing a rejected lot', given: [received, rejected], when: { type: 'ReleaseLot', data: {} }, as: as('qa'), then: 'lot_not_in_quarantine' },
  { name: 'releasing an expired lot', given: [{ type: 'LotReceived', data: { ...facts, expiry: '2026-11-23' } }], when: { type: 'ReleaseLot', data: {} }, as: as('qa'), then: 'lot_expired' },
  { name: 'rejecting a rejected lot', given: [received, rejected], when: { type: 'RejectLot', data: { reason: 'x' } }, as: as('qa'), then: 'lot_already_rejected' },
  { name: 'consuming a quarantined lot', given: [received], when: consume(1), as: as('operator'), then: 'material_not_usable' },
  { name: 'consuming a rejected lot, even without requirements', given: [received, released, rejected], when: consume(1, 'kg', []), as: as('operator'), then: 'material_not_usable' },
  { name: 'consuming an expired lot', given: [{ type: 'LotReceived', data: { ...facts, expiry: '2026-10-31' } }, released], when: consume(1), as: as('operator'), then: 'material_not_usable' },
  { name: 'consuming more than is left', given: [received, released, consumed(12.5)], when: consume(25), as: as('operator'), then: 'material_not_usable' },
];

describe('lots: accepted commands', () => {
  it.each(accepted)('$name', (c) => {
    given(c.given).when(c.when, c.as).then(c.then);
  });
});

describe('lots: refusals', () => {
  it.each(refused)('$name → $then', (c) => {
    given(c.given).when(c.when, c.as).then(c.then);
  });
});

describe('lots: what the refusals say', () => {
  it('an expired lot cannot be released', () => {
    const refusal = given([{ type: 'LotReceived', data: { ...facts, lotId: 'L-1180', expiry: '2026-10-31' } }]).when({ type: 'ReleaseLot', data: {} }, as('qa')).then('lot_expired');
    expect(refusal.message).toBe('Lot L-1180 expired on 2026-10-31; an expired lot cannot be released');
  });
  it('a rejected lot can never be released', () => {
    const refusal = given([received, rejected]).when({ type: 'ReleaseLot', data: {} }, as('qa')).then('lot_not_in_quarantine');
    expect(refusal.message).toBe('Lot L-2291 was rejected; a rejected lot can never be released');
  });
  it('an impossible unit names the lot unit', () => {
    const refusal = given([received, released]).when(consume(2, 'L'), as('operator')).then('invalid_value');
    expect(refusal.message).toBe('Lot L-2291 is counted in kg; 2 L cannot be taken from it');
  });
  it('a quantity that is not positive', () => {
    const refusal = given([received, released]).when(consume(-3), as('operator')).then('invalid_value');
    expect(refusal.message).toBe('The quantity must be a number above zero; got -3');
    expect(refusal.details).toEqual({ field: 'quantity', value: -3 });
  });
});

describe('lots: state', () => {
  it('records the genealogy and the quantity on hand', () => {
    const { state } = given([received, released, consumed(10), consumed(2.5)]).when(consume(1), as('operator'));
    expect(state).toMatchObject({ status: 'released', onHand: 12.5, unit: 'kg' });
    expect(state.consumptions).toEqual([
      { batchId: 'B-1', stepId: 'charge', quantity: 10 },
      { batchId: 'B-1', stepId: 'charge', quantity: 2.5 },
    ]);
    expect(consumedBy(state, 'B-1')).toBe(12.5);
    expect(consumedBy(state, 'B-2')).toBe(0);
    expect(lotMaterial(state)).toBe('PX10-GRAN');
  });
  it('no floating point residue after many small consumptions', () => {
    const tenths = Array.from({ length: 250 }, () => consumed(0.1));
    const { state } = given([received, released, ...tenths]).when(consume(1), as('operator'));
    expect(state.onHand).toBe(0);
  });
  it('a produced lot remembers its batch', () => {
    const { state } = given([{ type: 'LotProduced', data: { ...facts, batchId: 'B-7' } }]).when(consume(1), as('operator'));
    expect(state).toMatchObject({ status: 'quarantine', producedBy: 'B-7' });
  });
});
