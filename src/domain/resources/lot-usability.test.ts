/** Lot usability: every reason, its sentence, and the expiry-day rule. */
import { describe, expect, it } from 'vitest';
import type { MaterialRequirement } from '../procedure/definition.ts';
import { fold } from '../shared/decider.ts';
import { lotDecider } from './lot-decider.ts';
import type { LotEvent } from './lot-events.ts';
import { initialLotState } from './lot-state.ts';
import { lotUsability } from './lot-usability.ts';

const NOW = '2026-11-25T09:00:00.000Z';
const both: MaterialRequirement[] = ['released', 'in-date'];
const lot = (lotId: string, expiry: string, ...then: LotEvent['type'][]) =>
  fold(lotDecider, [
    { type: 'LotReceived', data: { lotId, site: 'S1', material: 'PX10-GRAN', quantity: 12.5, unit: 'kg', expiry } },
    ...then.map((type) => ({ type, data: { lotId, reason: 'assay out of spec' } }) as LotEvent),
  ]);

describe('lotUsability', () => {
  it('a released lot in date with enough on hand is usable', () => {
    expect(lotUsability(lot('L-1', '2027-01-01', 'LotReleased'), both, 12.5, 'kg', NOW)).toBeUndefined();
    expect(lotUsability(lot('L-1', '2027-01-01', 'LotReleased'), both, 12500, 'g', NOW)).toBeUndefined();
  });

  it.each<[string, ReturnType<typeof lot>, MaterialRequirement[], number, string, string]>([
    ['not_registered', initialLotState, both, 1, 'kg', 'This lot is not registered in OpenBES; check the lot number you scanned'],
    ['quarantined', lot('L-2291', '2027-01-01'), both, 1, 'kg', 'Lot L-2291 is in quarantine; QA has not released it'],
    ['rejected', lot('L-7', '2027-01-01', 'LotReleased', 'LotRejected'), [], 1, 'kg', 'Lot L-7 was rejected by QA (assay out of spec); it must not be used'],
    ['expired', lot('L-1180', '2026-10-31', 'LotReleased'), both, 1, 'kg', 'Lot L-1180 expired on 2026-10-31'],
    ['insufficient', lot('L-2291', '2027-01-01', 'LotReleased'), both, 25, 'kg', 'Only 12.5 kg of lot L-2291 is left; 25 kg are needed'],
    ['insufficient', lot('L-2291', '2027-01-01', 'LotReleased'), both, 25000, 'g', 'Only 12.5 kg of lot L-2291 is left; 25 kg (25000 g) are needed'],
  ])('%s', (reason, state, require, quantity, unit, message) => {
    const refusal = lotUsability(state, require, quantity, unit, NOW);
    expect(refusal?.code).toBe('material_not_usable');
    expect(refusal?.details.reason).toBe(reason);
    expect(refusal?.message).toBe(message);
  });

  it('lists every reason and the facts behind them', () => {
    const refusal = lotUsability(lot('L-1180', '2026-10-31'), both, 25, 'kg', NOW);
    expect(refusal?.message).toBe('Lot L-1180 is in quarantine; QA has not released it. Lot L-1180 expired on 2026-10-31. Only 12.5 kg of lot L-1180 is left; 25 kg are needed');
    expect(refusal?.details).toEqual({
      lotId: 'L-1180',
      reason: 'quarantined',
      reasons: ['quarantined', 'expired', 'insufficient'],
      status: 'quarantine',
      expiry: '2026-10-31',
      onHand: 12.5,
      unit: 'kg',
      needed: 25,
      require: both,
    });
  });

  it('quarantine and expiry are checked only when required', () => {
    expect(lotUsability(lot('L-1', '2026-10-31'), [], 1, 'kg', NOW)).toBeUndefined();
    expect(lotUsability(lot('L-1', '2026-10-31'), ['in-date'], 1, 'kg', NOW)?.details.reason).toBe('expired');
    expect(lotUsability(lot('L-1', '2026-10-31'), ['released'], 1, 'kg', NOW)?.details.reason).toBe('quarantined');
  });

  it('an expiry day is usable through its end, UTC', () => {
    const l = lot('L-1', '2026-11-25', 'LotReleased');
    expect(lotUsability(l, both, 1, 'kg', '2026-11-25T23:59:59.999Z')).toBeUndefined();
    expect(lotUsability(l, both, 1, 'kg', '2026-11-26T00:00:00.000Z')?.details.reason).toBe('expired');
  });

  it('an expiry timestamp is exact', () => {
    const l = lot('L-1', '2026-11-25T09:00:00.000Z', 'LotReleased');
    expect(lotUsability(l, both, 1, 'kg', '2026-11-25T08:59:59.999Z')).toBeUndefined();
    expect(lotUsability(l, both, 1, 'kg', NOW)?.message).toBe('Lot L-1 expired on 2026-11-25 09:00');
  });

  it('a unit that cannot be converted is invalid_value', () => {
    const refusal = lotUsability(lot('L-1', '2027-01-01', 'LotReleased'), both, 3, 'pcs', NOW);
    expect(refusal).toEqual({
      code: 'invalid_value',
      message: 'Lot L-1 is counted in kg; 3 pcs cannot be taken from it',
      details: { field: 'unit', value: 'pcs', lotId: 'L-1', lotUnit: 'kg' },
    });
  });

  it('exactly what is on hand is enough, even after conversion', () => {
    expect(lotUsability(lot('L-1', '2027-01-01', 'LotReleased'), both, 12500000, 'mg', NOW)).toBeUndefined();
    expect(lotUsability(lot('L-1', '2027-01-01', 'LotReleased'), both, 12500001, 'mg', NOW)?.details.reason).toBe('insufficient');
  });
});
