/** A piece of equipment as its events leave it, and how each event changes it. */
import type { EquipmentEvent } from './equipment-events.ts';

/**
 * `available`: registered, free, with no cleaning record. `clean` stays `clean` after `cleanUntil` passes
 * (state never changes by itself; time is an input), and readiness reports the expiry.
 */
export type EquipmentStatus = 'available' | 'in-use' | 'dirty' | 'clean' | 'maintenance' | 'out-of-service';

export interface EquipmentState {
  readonly registered: boolean;
  readonly id: string;
  readonly site: string;
  readonly name: string;
  readonly class: string;
  readonly status: EquipmentStatus;
  /** While `clean`: the end of the clean hold time. */
  readonly cleanUntil?: string;
  /** Calibration due: a day (valid through its end, UTC) or a timestamp; missing means never calibrated. */
  readonly calibrationDue?: string;
  readonly inUseBy?: { readonly batchId: string; readonly stepId: string };
  /** The batch that used it last. */
  readonly lastUsedBy?: string;
  /** The batch whose campaign the equipment is in: it was clean when that batch first took it. */
  readonly campaignBatch?: string;
  /** Why it is dirty, in maintenance or out of service, for messages. */
  readonly statusReason?: string;
  /** While in maintenance: the out-of-service status (and reason) to go back to, if it was out of service. */
  readonly outOfServiceBeforeMaintenance?: { readonly reason?: string };
}

/** Equipment before its registration. */
export const initialEquipmentState: EquipmentState = { registered: false, id: '', site: '', name: '', class: '', status: 'available' };

/** Applies one event. Total and pure: it never refuses (decide already did). */
export function evolveEquipment(state: EquipmentState, event: EquipmentEvent): EquipmentState {
  // Each event rebuilds the fields it owns; `leaving` drops the status-bound ones.
  const leaving = { ...state, cleanUntil: undefined, statusReason: undefined, outOfServiceBeforeMaintenance: undefined };
  switch (event.type) {
    case 'EquipmentRegistered': {
      const { equipmentId, site, name, calibrationDue } = event.data;
      return { registered: true, id: equipmentId, site, name, class: event.data.class, status: 'available', calibrationDue };
    }
    case 'EquipmentCleaned':
      return { ...leaving, status: 'clean', cleanUntil: event.data.cleanUntil, campaignBatch: undefined };
    case 'EquipmentMarkedDirty':
      return { ...leaving, status: 'dirty', statusReason: event.data.reason, campaignBatch: undefined };
    case 'EquipmentCalibrated':
      return { ...state, calibrationDue: event.data.dueDate };
    case 'EquipmentMaintenanceStarted':
      return {
        ...leaving,
        status: 'maintenance',
        statusReason: event.data.reason,
        campaignBatch: undefined,
        outOfServiceBeforeMaintenance: state.status === 'out-of-service' ? { reason: state.statusReason } : undefined,
      };
    case 'EquipmentMaintenanceCompleted':
      return event.data.status === 'out-of-service'
        ? { ...leaving, status: 'out-of-service', statusReason: state.outOfServiceBeforeMaintenance?.reason }
        : { ...leaving, status: 'dirty', statusReason: 'after maintenance' };
    case 'EquipmentTakenOutOfService':
      return { ...leaving, status: 'out-of-service', statusReason: event.data.reason, campaignBatch: undefined };
    case 'EquipmentReturnedToService':
      return { ...leaving, status: 'dirty', statusReason: 'after its return to service' };
    case 'EquipmentAllocated': {
      const { batchId, stepId, campaign } = event.data;
      return { ...leaving, status: 'in-use', inUseBy: { batchId, stepId }, campaignBatch: campaign ? batchId : undefined };
    }
    case 'EquipmentReleased':
      return { ...leaving, status: 'dirty', inUseBy: undefined, lastUsedBy: event.data.batchId, statusReason: `used by batch ${event.data.batchId}` };
  }
}

/** How people name the equipment: "Press P-01" (the name, with the id unless the name has it). */
export function equipmentLabel(eq: Pick<EquipmentState, 'id' | 'name'>): string {
  if (!eq.name) return `Equipment ${eq.id}`;
  return eq.name.includes(eq.id) ? eq.name : `${eq.name} ${eq.id}`;
}
