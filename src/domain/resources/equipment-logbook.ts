/** The equipment logbook: each event as one line a person reads (the store adds who and when). */
import { formatDuration } from '../shared/time.ts';
import { formatWhen } from './dates.ts';
import type { EquipmentEvent } from './equipment-events.ts';

/** One line describing an equipment event, e.g. "Cleaned; clean until 2026-11-24 10:00 (hold time 72 h)". */
export function logbookEntry(event: EquipmentEvent): string {
  switch (event.type) {
    case 'EquipmentRegistered': {
      const { equipmentId, name, site, calibrationDue } = event.data;
      const due = calibrationDue ? `; calibration due ${formatWhen(calibrationDue)}` : '; no calibration recorded';
      return `Registered ${name} (${equipmentId}, class ${event.data.class}) at site ${site}${due}`;
    }
    case 'EquipmentCleaned':
      return `Cleaned; clean until ${formatWhen(event.data.cleanUntil)} (hold time ${formatDuration(event.data.validForMs)})`;
    case 'EquipmentMarkedDirty':
      return `Marked dirty: ${event.data.reason}`;
    case 'EquipmentCalibrated':
      return `Calibrated; next calibration due ${formatWhen(event.data.dueDate)}`;
    case 'EquipmentMaintenanceStarted':
      return `Maintenance started: ${event.data.reason}`;
    case 'EquipmentMaintenanceCompleted':
      return event.data.status === 'out-of-service'
        ? 'Maintenance completed; still out of service'
        : 'Maintenance completed; dirty until cleaned';
    case 'EquipmentTakenOutOfService':
      return `Taken out of service: ${event.data.reason}`;
    case 'EquipmentReturnedToService':
      return 'Returned to service; dirty until cleaned';
    case 'EquipmentAllocated': {
      const { batchId, stepId, require } = event.data;
      const checked = require.length ? ` (checked ${require.join(' and ')})` : '';
      return `In use by batch ${batchId}, step ${stepId}${checked}`;
    }
    case 'EquipmentReleased':
      return `Released by batch ${event.data.batchId}, step ${event.data.stepId}; dirty until cleaned`;
  }
}
