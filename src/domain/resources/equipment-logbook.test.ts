/** The equipment logbook: one line per event. */
import { describe, expect, it } from 'vitest';
import type { EquipmentEvent } from './equipment-events.ts';
import { logbookEntry } from './equipment-logbook.ts';

const equipmentId = 'P-01';

describe('logbookEntry', () => {
  it.each<[EquipmentEvent, string]>([
    [{ type: 'EquipmentRegistered', data: { equipmentId, site: 'S1', name: 'Press', class: 'tablet-press', calibrationDue: '2026-12-31' } }, 'Registered Press (P-01, class tablet-press) at site S1; calibration due 2026-12-31'],
    [{ type: 'EquipmentRegistered', data: { equipmentId, site: 'S1', name: 'Press', class: 'tablet-press' } }, 'Registered Press (P-01, class tablet-press) at site S1; no calibration recorded'],
    [{ type: 'EquipmentCleaned', data: { equipmentId, cleanUntil: '2026-11-27T08:00:00.000Z', validForMs: 72 * 3_600_000 } }, 'Cleaned; clean until 2026-11-27 08:00 (hold time 3 d)'],
    [{ type: 'EquipmentMarkedDirty', data: { equipmentId, reason: 'spill' } }, 'Marked dirty: spill'],
    [{ type: 'EquipmentCalibrated', data: { equipmentId, dueDate: '2027-05-20' } }, 'Calibrated; next calibration due 2027-05-20'],
    [{ type: 'EquipmentMaintenanceStarted', data: { equipmentId, reason: 'bearing noise' } }, 'Maintenance started: bearing noise'],
    [{ type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'dirty' } }, 'Maintenance completed; dirty until cleaned'],
    [{ type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status: 'out-of-service' } }, 'Maintenance completed; still out of service'],
    [{ type: 'EquipmentTakenOutOfService', data: { equipmentId, reason: 'cracked die' } }, 'Taken out of service: cracked die'],
    [{ type: 'EquipmentReturnedToService', data: { equipmentId } }, 'Returned to service; dirty until cleaned'],
    [{ type: 'EquipmentAllocated', data: { equipmentId, batchId: 'B-1', stepId: 'compress', require: ['clean', 'calibrated'], campaign: true } }, 'In use by batch B-1, step compress (checked clean and calibrated)'],
    [{ type: 'EquipmentAllocated', data: { equipmentId, batchId: 'B-1', stepId: 'weigh', require: [], campaign: false } }, 'In use by batch B-1, step weigh'],
    [{ type: 'EquipmentReleased', data: { equipmentId, batchId: 'B-1', stepId: 'compress' } }, 'Released by batch B-1, step compress; dirty until cleaned'],
  ])('%j', (event, line) => {
    expect(logbookEntry(event)).toBe(line);
  });
});
