/** What happened to a piece of equipment. Every event carries the equipment id; together they are its logbook. */
import type { EquipmentRequirement } from '../procedure/definition.ts';
import type { DomainEvent } from '../shared/decider.ts';

type Data<D> = { readonly equipmentId: string } & D;

export type EquipmentRegistered = DomainEvent<
  'EquipmentRegistered',
  Data<{ readonly site: string; readonly name: string; readonly class: string; readonly calibrationDue?: string }>
>;
export type EquipmentCleaned = DomainEvent<'EquipmentCleaned', Data<{ readonly cleanUntil: string; readonly validForMs: number }>>;
export type EquipmentMarkedDirty = DomainEvent<'EquipmentMarkedDirty', Data<{ readonly reason: string }>>;
export type EquipmentCalibrated = DomainEvent<'EquipmentCalibrated', Data<{ readonly dueDate: string }>>;
export type EquipmentMaintenanceStarted = DomainEvent<'EquipmentMaintenanceStarted', Data<{ readonly reason: string }>>;
/** `status` is where maintenance leaves it: dirty, or out of service again when it was before. */
export type EquipmentMaintenanceCompleted = DomainEvent<
  'EquipmentMaintenanceCompleted',
  Data<{ readonly status: 'dirty' | 'out-of-service' }>
>;
export type EquipmentTakenOutOfService = DomainEvent<'EquipmentTakenOutOfService', Data<{ readonly reason: string }>>;
export type EquipmentReturnedToService = DomainEvent<'EquipmentReturnedToService', Data<object>>;
/**
 * `campaign` is true when the equipment was clean at allocation (or dirty only from this batch's own
 * campaign): after release this batch may use it again without cleaning (see equipment-readiness.ts).
 */
export type EquipmentAllocated = DomainEvent<
  'EquipmentAllocated',
  Data<{ readonly batchId: string; readonly stepId: string; readonly require: readonly EquipmentRequirement[]; readonly campaign: boolean }>
>;
export type EquipmentReleased = DomainEvent<'EquipmentReleased', Data<{ readonly batchId: string; readonly stepId: string }>>;

export type EquipmentEvent =
  | EquipmentRegistered
  | EquipmentCleaned
  | EquipmentMarkedDirty
  | EquipmentCalibrated
  | EquipmentMaintenanceStarted
  | EquipmentMaintenanceCompleted
  | EquipmentTakenOutOfService
  | EquipmentReturnedToService
  | EquipmentAllocated
  | EquipmentReleased;
