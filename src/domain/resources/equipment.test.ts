/** Equipment, given / when / then: every accepted command and every refusal code. */
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../shared/decider.ts';
import type { EquipmentCommand } from './equipment-commands.ts';
import { equipmentDecider } from './equipment-decider.ts';
import type { EquipmentEvent } from './equipment-events.ts';
import { specFor } from './spec.ts';
import { NOW, as } from './test-fixtures.ts';

const given = specFor(equipmentDecider);
const equipmentId = 'P-01';
const HOUR = 3_600_000;

const registered: EquipmentEvent = {
  type: 'EquipmentRegistered',
  data: { equipmentId, site: 'S1', name: 'Press', class: 'tablet-press', calibrationDue: '2026-12-31' },
};
const cleaned: EquipmentEvent = { type: 'EquipmentCleaned', data: { equipmentId, cleanUntil: '2026-11-26T08:00:00.000Z', validForMs: 48 * HOUR } };
const dirtied: EquipmentEvent = { type: 'EquipmentMarkedDirty', data: { equipmentId, reason: 'spill' } };
const inMaintenance: EquipmentEvent = { type: 'EquipmentMaintenanceStarted', data: { equipmentId, reason: 'bearing noise' } };
const outOfService: EquipmentEvent = { type: 'EquipmentTakenOutOfService', data: { equipmentId, reason: 'cracked die' } };
const allocated = (batchId = 'B-1', stepId = 'compress', campaign = true): EquipmentEvent => ({
  type: 'EquipmentAllocated',
  data: { equipmentId, batchId, stepId, require: ['clean', 'calibrated'], campaign },
});
const released = (batchId = 'B-1', stepId = 'compress'): EquipmentEvent => ({ type: 'EquipmentReleased', data: { equipmentId, batchId, stepId } });
const allocate = (batchId = 'B-1', stepId = 'compress', require: ('clean' | 'calibrated')[] = ['clean', 'calibrated']): EquipmentCommand => ({
  type: 'AllocateEquipment',
  data: { batchId, stepId, require },
});
const register = (data: Partial<{ equipmentId: string; site: string; name: string; class: string; calibrationDue: string }> = {}): EquipmentCommand => ({
  type: 'RegisterEquipment',
  data: { equipmentId, site: 'S1', name: 'Press', class: 'tablet-press', calibrationDue: '2026-12-31', ...data },
});

type Case = { name: string; given: EquipmentEvent[]; when: EquipmentCommand; as: DecisionContext; then: EquipmentEvent[] | string };

const accepted: Case[] = [
  { name: 'an engineer registers equipment', given: [], when: register(), as: as('engineer'), then: [registered] },
  {
    name: 'an admin registers equipment without a calibration',
    given: [],
    when: register({ calibrationDue: undefined }),
    as: as('admin'),
    then: [{ type: 'EquipmentRegistered', data: { equipmentId, site: 'S1', name: 'Press', class: 'tablet-press' } }],
  },
  { name: 'an operator records a cleaning', given: [registered], when: { type: 'RecordCleaning', data: { validForMs: 48 * HOUR } }, as: as('operator'), then: [cleaned] },
  { name: 'a supervisor cleans dirty equipment', given: [registered, dirtied], when: { type: 'RecordCleaning', data: { validForMs: 48 * HOUR } }, as: as('supervisor'), then: [cleaned] },
  { name: 'qa marks equipment dirty', given: [registered, cleaned], when: { type: 'MarkDirty', data: { reason: 'spill' } }, as: as('qa'), then: [dirtied] },
  {
    name: 'maintenance records a calibration',
    given: [registered],
    when: { type: 'RecordCalibration', data: { dueDate: '2027-05-20' } },
    as: as('maintenance'),
    then: [{ type: 'EquipmentCalibrated', data: { equipmentId, dueDate: '2027-05-20' } }],
  },
  {
    name: 'qa records a calibration during maintenance',
    given: [registered, inMaintenance],
    when: { type: 'RecordCalibration', data: { dueDate: '2027-05-20T00:00:00.000Z' } },
    as: as('qa'),
    then: [{ type: 'EquipmentCalibrated', data: { equipmentId, dueDate: '2027-05-20T00:00:00.000Z' } }],
  },
  { name: 'maintenance starts', given: [registered, cleaned], when: { type: 'StartMaintenance', data: { reason: 'bearing noise' } }, as: as('maintenance'), then: [inMaintenance] },
  { name: 'maintenance starts on equipment out of service', given: [registered, outOfService], when: { type: 'StartMaintenance', data: { reason: 'bearing noise' } }, as: as('maintenance'), then: [inMaintenance] },
  {
    name: 'maintenance completes: dirty',
    given: [registered, cleaned, inMaintenance],
    when: { type: 'CompleteMaintenance', data: {} },
    as: as('maintenance'),
    then: [{ type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'dirty' } }],
  },
  {
    name: 'maintenance completes: back out of service',
    given: [registered, outOfService, inMaintenance],
    when: { type: 'CompleteMaintenance', data: {} },
    as: as('maintenance'),
    then: [{ type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'out-of-service' } }],
  },
  { name: 'a supervisor takes it out of service', given: [registered], when: { type: 'TakeOutOfService', data: { reason: 'cracked die' } }, as: as('supervisor'), then: [outOfService] },
  { name: 'maintenance takes it out of service during maintenance', given: [registered, inMaintenance], when: { type: 'TakeOutOfService', data: { reason: 'cracked die' } }, as: as('maintenance'), then: [outOfService] },
  {
    name: 'qa returns it to service',
    given: [registered, outOfService],
    when: { type: 'ReturnToService', data: {} },
    as: as('qa'),
    then: [{ type: 'EquipmentReturnedToService', data: { equipmentId } }],
  },
  { name: 'a step takes clean, calibrated equipment (no role check)', given: [registered, cleaned], when: allocate(), as: as('leader'), then: [allocated()] },
  {
    name: 'a step that needs only calibration takes dirty equipment (no campaign)',
    given: [registered, dirtied],
    when: allocate('B-1', 'weigh', ['calibrated']),
    as: as('operator'),
    then: [{ type: 'EquipmentAllocated', data: { equipmentId, batchId: 'B-1', stepId: 'weigh', require: ['calibrated'], campaign: false } }],
  },
  {
    name: 'campaign: the same batch takes it again after its own step, without cleaning',
    given: [registered, cleaned, allocated('B-1', 'compress'), released('B-1', 'compress')],
    when: allocate('B-1', 'coat'),
    as: as('operator', '2026-11-27T08:00:00.000Z'),
    then: [allocated('B-1', 'coat')],
  },
  { name: 'the step releases the equipment', given: [registered, cleaned, allocated()], when: { type: 'ReleaseEquipment', data: { batchId: 'B-1', stepId: 'compress' } }, as: as('operator'), then: [released()] },
];

const refused: Case[] = [
  { name: 'an operator cannot register equipment', given: [], when: register(), as: as('operator'), then: 'role_not_permitted' },
  { name: 'an operator cannot record a calibration', given: [registered], when: { type: 'RecordCalibration', data: { dueDate: '2027-01-01' } }, as: as('operator'), then: 'role_not_permitted' },
  { name: 'qa cannot record a cleaning', given: [registered], when: { type: 'RecordCleaning', data: { validForMs: HOUR } }, as: as('qa'), then: 'role_not_permitted' },
  { name: 'an engineer cannot mark it dirty', given: [registered], when: { type: 'MarkDirty', data: { reason: 'x' } }, as: as('engineer'), then: 'role_not_permitted' },
  { name: 'qa cannot start maintenance', given: [registered], when: { type: 'StartMaintenance', data: { reason: 'x' } }, as: as('qa'), then: 'role_not_permitted' },
  { name: 'a supervisor cannot complete maintenance', given: [registered, inMaintenance], when: { type: 'CompleteMaintenance', data: {} }, as: as('supervisor'), then: 'role_not_permitted' },
  { name: 'an operator cannot take it out of service', given: [registered], when: { type: 'TakeOutOfService', data: { reason: 'x' } }, as: as('operator'), then: 'role_not_permitted' },
  { name: 'an operator cannot return it to service', given: [registered, outOfService], when: { type: 'ReturnToService', data: {} }, as: as('operator'), then: 'role_not_permitted' },
  { name: 'registering at another site', given: [], when: register({ site: 'S2' }), as: as('engineer'), then: 'site_mismatch' },
  { name: 'cleaning from another site', given: [registered], when: { type: 'RecordCleaning', data: { validForMs: HOUR } }, as: as('operator', NOW, 'S2'), then: 'site_mismatch' },
  { name: 'a second registration', given: [registered], when: register(), as: as('engineer'), then: 'already_registered' },
  { name: 'cleaning unknown equipment', given: [], when: { type: 'RecordCleaning', data: { validForMs: HOUR } }, as: as('operator'), then: 'equipment_not_registered' },
  { name: 'allocating unknown equipment', given: [], when: allocate(), as: as('operator'), then: 'equipment_not_registered' },
  { name: 'releasing unknown equipment', given: [], when: { type: 'ReleaseEquipment', data: { batchId: 'B-1', stepId: 'compress' } }, as: as('operator'), then: 'equipment_not_registered' },
  { name: 'an empty equipment id', given: [], when: register({ equipmentId: ' ' }), as: as('engineer'), then: 'invalid_value' },
  { name: 'an impossible calibration date', given: [], when: register({ calibrationDue: '2026-02-30' }), as: as('engineer'), then: 'invalid_value' },
  { name: 'a zero clean hold time', given: [registered], when: { type: 'RecordCleaning', data: { validForMs: 0 } }, as: as('operator'), then: 'invalid_value' },
  { name: 'marking dirty without a reason', given: [registered], when: { type: 'MarkDirty', data: { reason: '' } }, as: as('operator'), then: 'invalid_value' },
  { name: 'a calibration due date already past', given: [registered], when: { type: 'RecordCalibration', data: { dueDate: '2026-11-23' } }, as: as('maintenance'), then: 'invalid_value' },
  { name: 'a calibration due date that is no date', given: [registered], when: { type: 'RecordCalibration', data: { dueDate: 'next May' } }, as: as('maintenance'), then: 'invalid_value' },
  { name: 'maintenance without a reason', given: [registered], when: { type: 'StartMaintenance', data: { reason: '' } }, as: as('maintenance'), then: 'invalid_value' },
  { name: 'out of service without a reason', given: [registered], when: { type: 'TakeOutOfService', data: { reason: ' ' } }, as: as('qa'), then: 'invalid_value' },
  { name: 'allocating without a batch id', given: [registered, cleaned], when: allocate(''), as: as('operator'), then: 'invalid_value' },
  { name: 'allocating with an unknown requirement', given: [registered, cleaned], when: { type: 'AllocateEquipment', data: { batchId: 'B-1', stepId: 's', require: ['sterile' as never] } }, as: as('operator'), then: 'invalid_value' },
  { name: 'cleaning while in use', given: [registered, cleaned, allocated()], when: { type: 'RecordCleaning', data: { validForMs: HOUR } }, as: as('operator'), then: 'equipment_in_use' },
  { name: 'marking dirty while in use', given: [registered, cleaned, allocated()], when: { type: 'MarkDirty', data: { reason: 'x' } }, as: as('operator'), then: 'equipment_in_use' },
  { name: 'calibrating while in use', given: [registered, cleaned, allocated()], when: { type: 'RecordCalibration', data: { dueDate: '2027-01-01' } }, as: as('qa'), then: 'equipment_in_use' },
  { name: 'maintenance while in use', given: [registered, cleaned, allocated()], when: { type: 'StartMaintenance', data: { reason: 'x' } }, as: as('maintenance'), then: 'equipment_in_use' },
  { name: 'out of service while in use', given: [registered, cleaned, allocated()], when: { type: 'TakeOutOfService', data: { reason: 'x' } }, as: as('qa'), then: 'equipment_in_use' },
  { name: 'cleaning during maintenance', given: [registered, inMaintenance], when: { type: 'RecordCleaning', data: { validForMs: HOUR } }, as: as('operator'), then: 'equipment_in_maintenance' },
  { name: 'marking dirty during maintenance', given: [registered, inMaintenance], when: { type: 'MarkDirty', data: { reason: 'x' } }, as: as('operator'), then: 'equipment_in_maintenance' },
  { name: 'starting maintenance twice', given: [registered, inMaintenance], when: { type: 'StartMaintenance', data: { reason: 'x' } }, as: as('maintenance'), then: 'equipment_in_maintenance' },
  { name: 'cleaning out of service', given: [registered, outOfService], when: { type: 'RecordCleaning', data: { validForMs: HOUR } }, as: as('operator'), then: 'equipment_out_of_service' },
  { name: 'marking dirty out of service', given: [registered, outOfService], when: { type: 'MarkDirty', data: { reason: 'x' } }, as: as('supervisor'), then: 'equipment_out_of_service' },
  { name: 'taking it out of service twice', given: [registered, outOfService], when: { type: 'TakeOutOfService', data: { reason: 'x' } }, as: as('qa'), then: 'equipment_out_of_service' },
  { name: 'completing maintenance that never started', given: [registered], when: { type: 'CompleteMaintenance', data: {} }, as: as('maintenance'), then: 'equipment_not_in_maintenance' },
  { name: 'returning equipment that is in service', given: [registered], when: { type: 'ReturnToService', data: {} }, as: as('qa'), then: 'equipment_not_out_of_service' },
  { name: 'allocating dirty equipment', given: [registered, dirtied], when: allocate(), as: as('operator'), then: 'equipment_not_ready' },
  { name: 'allocating to a second batch', given: [registered, cleaned, allocated('B-1')], when: allocate('B-2'), as: as('operator'), then: 'equipment_not_ready' },
  { name: 'releasing by another batch', given: [registered, cleaned, allocated('B-1')], when: { type: 'ReleaseEquipment', data: { batchId: 'B-2', stepId: 'compress' } }, as: as('operator'), then: 'equipment_not_allocated' },
  { name: 'releasing by another step', given: [registered, cleaned, allocated('B-1')], when: { type: 'ReleaseEquipment', data: { batchId: 'B-1', stepId: 'coat' } }, as: as('operator'), then: 'equipment_not_allocated' },
  { name: 'releasing equipment not in use', given: [registered, cleaned], when: { type: 'ReleaseEquipment', data: { batchId: 'B-1', stepId: 'compress' } }, as: as('operator'), then: 'equipment_not_allocated' },
];

describe('equipment: accepted commands', () => {
  it.each(accepted)('$name', (c) => {
    given(c.given).when(c.when, c.as).then(c.then);
  });
});

describe('equipment: refusals', () => {
  it.each(refused)('$name → $then', (c) => {
    given(c.given).when(c.when, c.as).then(c.then);
  });
});

describe('equipment: what the refusals say', () => {
  it('names the role needed and the roles held', () => {
    const refusal = given([registered]).when({ type: 'RecordCalibration', data: { dueDate: '2027-01-01' } }, as('operator')).then('role_not_permitted');
    expect(refusal.message).toBe('Recording a calibration needs the maintenance or qa role; you hold operator');
    expect(refusal.details).toEqual({ action: 'Recording a calibration', allowed: ['maintenance', 'qa'], held: ['operator'] });
  });
  it('names the batch and step that hold the equipment', () => {
    const refusal = given([registered, cleaned, allocated()]).when({ type: 'RecordCleaning', data: { validForMs: HOUR } }, as('operator')).then('equipment_in_use');
    expect(refusal.message).toBe('Press P-01 is in use by batch B-1 (step compress); it can be cleaned only after the step releases it');
  });
  it('names the reason the equipment is out of service', () => {
    const refusal = given([registered, outOfService]).when({ type: 'RecordCleaning', data: { validForMs: HOUR } }, as('operator')).then('equipment_out_of_service');
    expect(refusal.message).toBe('Press P-01 is out of service (cracked die); it can be cleaned only after it is returned to service');
  });
  it('explains a calibration date in the past', () => {
    const refusal = given([registered]).when({ type: 'RecordCalibration', data: { dueDate: '2026-11-23' } }, as('maintenance')).then('invalid_value');
    expect(refusal.message).toBe('The next calibration due date 2026-11-23 is already past; enter a later date');
    expect(refusal.details).toEqual({ field: 'dueDate', value: '2026-11-23' });
  });
  it('a release by the wrong step names both', () => {
    const refusal = given([registered, cleaned, allocated('B-1')]).when({ type: 'ReleaseEquipment', data: { batchId: 'B-1', stepId: 'coat' } }, as('operator')).then('equipment_not_allocated');
    expect(refusal.message).toBe('Press P-01 is not in use by step coat of batch B-1; it cannot be released by it');
    expect(refusal.details).toMatchObject({ inUseBy: { batchId: 'B-1', stepId: 'compress' } });
  });
});

describe('equipment: state after events', () => {
  it('after release the equipment is dirty and remembers the batch', () => {
    const { state } = given([registered, cleaned, allocated(), released()]).when(allocate(), as('operator'));
    expect(state).toMatchObject({ status: 'dirty', lastUsedBy: 'B-1', campaignBatch: 'B-1', statusReason: 'used by batch B-1' });
    expect(state.inUseBy).toBeUndefined();
  });
  it('completing maintenance leaves it dirty: it must be cleaned', () => {
    const { state } = given([registered, cleaned, inMaintenance, { type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'dirty' } }]).when(allocate(), as('operator'));
    expect(state).toMatchObject({ status: 'dirty', statusReason: 'after maintenance' });
    expect(state.cleanUntil).toBeUndefined();
  });
  it('maintenance on equipment out of service goes back to out of service with its reason', () => {
    const { state } = given([registered, outOfService, inMaintenance, { type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'out-of-service' } }]).when(
      allocate(),
      as('operator'),
    );
    expect(state).toMatchObject({ status: 'out-of-service', statusReason: 'cracked die' });
  });
  it('returning to service leaves it dirty', () => {
    const { state } = given([registered, outOfService, { type: 'EquipmentReturnedToService', data: { equipmentId } }]).when(allocate(), as('operator'));
    expect(state.status).toBe('dirty');
  });
});
