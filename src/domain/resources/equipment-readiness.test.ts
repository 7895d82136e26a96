/** Equipment readiness: every reason, its sentence, and the campaign rule. */
import { describe, expect, it } from 'vitest';
import { fold } from '../shared/decider.ts';
import type { EquipmentRequirement } from '../procedure/definition.ts';
import { equipmentDecider } from './equipment-decider.ts';
import type { EquipmentEvent } from './equipment-events.ts';
import { equipmentReadiness } from './equipment-readiness.ts';
import { initialEquipmentState } from './equipment-state.ts';

const equipmentId = 'P-01';
const NOW = '2026-11-25T09:00:00.000Z';
const both: EquipmentRequirement[] = ['clean', 'calibrated'];
const reg = (calibrationDue?: string, name = 'Press'): EquipmentEvent => ({
  type: 'EquipmentRegistered',
  data: { equipmentId, site: 'S1', name, class: 'tablet-press', ...(calibrationDue && { calibrationDue }) },
});
const cleanUntil = (at: string): EquipmentEvent => ({ type: 'EquipmentCleaned', data: { equipmentId, cleanUntil: at, validForMs: 1 } });
const alloc = (batchId: string, stepId: string, campaign: boolean): EquipmentEvent => ({
  type: 'EquipmentAllocated',
  data: { equipmentId, batchId, stepId, require: both, campaign },
});
const rel = (batchId: string, stepId: string): EquipmentEvent => ({ type: 'EquipmentReleased', data: { equipmentId, batchId, stepId } });
const state = (...events: EquipmentEvent[]) => fold(equipmentDecider, events);
const ready = reg('2026-12-31');
const clean = cleanUntil('2026-11-26T09:00:00.000Z');

describe('equipmentReadiness', () => {
  it('clean and calibrated equipment is ready', () => {
    expect(equipmentReadiness(state(ready, clean), both, NOW, 'B-1')).toBeUndefined();
  });

  it.each<[string, EquipmentEvent[], EquipmentRequirement[], string, string]>([
    ['not_registered', [], both, 'B-1', 'This equipment is not registered in OpenBES; check the id you scanned'],
    ['out_of_service', [ready, clean, { type: 'EquipmentTakenOutOfService', data: { equipmentId, reason: 'cracked die' } }], [], 'B-1', 'Press P-01 is out of service (cracked die); it must not be used'],
    ['maintenance', [ready, { type: 'EquipmentMaintenanceStarted', data: { equipmentId, reason: 'bearing noise' } }], [], 'B-1', 'Press P-01 is under maintenance (bearing noise); it cannot be used until maintenance is completed'],
    ['in_use', [ready, clean, alloc('B-2', 'compress', true)], both, 'B-1', 'Press P-01 is in use by batch B-2 (step compress)'],
    ['in_use', [ready, clean, alloc('B-1', 'compress', true)], [], 'B-1', 'Press P-01 is still in use by step compress of this batch; that step must release it first'],
    ['calibration_due', [reg('2026-11-20'), clean], both, 'B-1', 'Press P-01 calibration expired on 2026-11-20'],
    ['calibration_due', [reg('2026-11-25T08:30:00.000Z'), clean], ['calibrated'], 'B-1', 'Press P-01 calibration expired on 2026-11-25 08:30'],
    ['calibration_due', [reg(), clean], ['calibrated'], 'B-1', 'Press P-01 has no calibration record; it must be calibrated before use'],
    ['dirty', [ready], ['clean'], 'B-1', 'Press P-01 has no cleaning record; clean it before use'],
    ['dirty', [ready, clean, { type: 'EquipmentMarkedDirty', data: { equipmentId, reason: 'spill' } }], ['clean'], 'B-1', 'Press P-01 is dirty (spill); clean it before use'],
    ['dirty', [ready, clean, alloc('B-2', 's', true), rel('B-2', 's')], ['clean'], 'B-1', 'Press P-01 is dirty (used by batch B-2); clean it before use'],
    ['clean_expired', [ready, cleanUntil('2026-11-24T10:00:00.000Z')], both, 'B-1', 'Press P-01 was cleaned until 2026-11-24 10:00; clean it again'],
  ])('%s: %s', (reason, events, require, batch, message) => {
    const refusal = equipmentReadiness(state(...events), require, NOW, batch);
    expect(refusal?.code).toBe('equipment_not_ready');
    expect(refusal?.details.reason).toBe(reason);
    expect(refusal?.message).toBe(message);
  });

  it('equipment the asking step itself holds is usable by that step, still only while calibrated', () => {
    const held = state(ready, clean, alloc('B-1', 'dispense', true));
    expect(equipmentReadiness(held, both, NOW, 'B-1', 'dispense')).toBeUndefined();
    expect(equipmentReadiness(held, both, NOW, 'B-1', 'other-step')?.details.reason).toBe('in_use');
    expect(equipmentReadiness(held, both, NOW, 'B-2', 'dispense')?.details.reason).toBe('in_use');
    const expired = state(reg('2026-11-20'), clean, alloc('B-1', 'dispense', true));
    expect(equipmentReadiness(expired, ['calibrated'], NOW, 'B-1', 'dispense')?.message).toBe('Press P-01 calibration expired on 2026-11-20');
  });

  it('lists every reason that applies and the facts behind them', () => {
    const refusal = equipmentReadiness(state(reg('2026-11-20'), cleanUntil('2026-11-24T10:00:00.000Z')), both, NOW, 'B-1');
    expect(refusal?.message).toBe('Press P-01 calibration expired on 2026-11-20. Press P-01 was cleaned until 2026-11-24 10:00; clean it again');
    expect(refusal?.details).toEqual({
      equipmentId,
      reason: 'calibration_due',
      reasons: ['calibration_due', 'clean_expired'],
      status: 'clean',
      batchId: 'B-1',
      require: both,
      cleanUntil: '2026-11-24T10:00:00.000Z',
      calibrationDue: '2026-11-20',
    });
  });

  it('a calibration due today (a day) holds until the end of that day, UTC', () => {
    expect(equipmentReadiness(state(reg('2026-11-25')), ['calibrated'], '2026-11-25T23:59:59.999Z', 'B-1')).toBeUndefined();
    expect(equipmentReadiness(state(reg('2026-11-25')), ['calibrated'], '2026-11-26T00:00:00.000Z', 'B-1')?.details.reason).toBe('calibration_due');
  });

  it('clean holds strictly before cleanUntil', () => {
    const eq = state(ready, cleanUntil(NOW));
    expect(equipmentReadiness(eq, ['clean'], '2026-11-25T08:59:59.999Z', 'B-1')).toBeUndefined();
    expect(equipmentReadiness(eq, ['clean'], NOW, 'B-1')?.details.reason).toBe('clean_expired');
  });

  it('uses the name as it is when it already holds the id', () => {
    expect(equipmentReadiness(state(reg('2026-11-20', 'Tablet press P-01')), ['calibrated'], NOW, 'B-1')?.message).toBe('Tablet press P-01 calibration expired on 2026-11-20');
  });

  describe('campaign within one batch', () => {
    const used = [ready, clean, alloc('B-1', 'compress', true), rel('B-1', 'compress')];
    it('the same batch may use it again without cleaning, even after the clean hold time', () => {
      expect(equipmentReadiness(state(...used), both, '2026-12-01T00:00:00.000Z', 'B-1')).toBeUndefined();
    });
    it('another batch may not', () => {
      expect(equipmentReadiness(state(...used), both, NOW, 'B-2')?.details.reason).toBe('dirty');
    });
    it('the campaign continues over several steps of the batch', () => {
      const again = [...used, alloc('B-1', 'coat', true), rel('B-1', 'coat')];
      expect(equipmentReadiness(state(...again), both, NOW, 'B-1')).toBeUndefined();
    });
    it('not when it was dirty when the batch first took it', () => {
      const soiled = [ready, alloc('B-1', 'weigh', false), rel('B-1', 'weigh')];
      expect(equipmentReadiness(state(...soiled), both, NOW, 'B-1')?.details.reason).toBe('dirty');
    });
    it('ends when someone marks it dirty', () => {
      const spilled = [...used, { type: 'EquipmentMarkedDirty', data: { equipmentId, reason: 'spill' } } as EquipmentEvent];
      expect(equipmentReadiness(state(...spilled), both, NOW, 'B-1')?.details.reason).toBe('dirty');
    });
    it('ends with maintenance', () => {
      const maintained: EquipmentEvent[] = [
        ...used,
        { type: 'EquipmentMaintenanceStarted', data: { equipmentId, reason: 'x' } },
        { type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'dirty' } },
      ];
      expect(equipmentReadiness(state(...maintained), both, NOW, 'B-1')?.details.reason).toBe('dirty');
    });
    it('ends when another batch takes it for a step that does not need it clean', () => {
      const shared = [...used, alloc('B-2', 'weigh', false), rel('B-2', 'weigh')];
      expect(equipmentReadiness(state(...shared), both, NOW, 'B-1')?.details.reason).toBe('dirty');
    });
  });

  it('never changes for an initial state whatever the requirement', () => {
    expect(equipmentReadiness(initialEquipmentState, [], NOW, 'B-1')?.details.reason).toBe('not_registered');
  });
});
