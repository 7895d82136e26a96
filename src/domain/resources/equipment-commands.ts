/** What people (and batch execution) ask of a piece of equipment. */
import type { EquipmentRequirement } from '../procedure/definition.ts';
import type { Command } from './command.ts';

/** Adds equipment to the site (admin or engineer). It starts `available`, with no cleaning record. */
export type RegisterEquipment = Command<
  'RegisterEquipment',
  { readonly equipmentId: string; readonly site: string; readonly name: string; readonly class: string; readonly calibrationDue?: string }
>;
/** Records a cleaning: clean until now + validForMs (the validated clean hold time). */
export type RecordCleaning = Command<'RecordCleaning', { readonly validForMs: number }>;
/** Declares the equipment soiled (a spill, an open door), whatever its cleaning record says. */
export type MarkDirty = Command<'MarkDirty', { readonly reason: string }>;
/** Records a calibration and the date the next one is due. */
export type RecordCalibration = Command<'RecordCalibration', { readonly dueDate: string }>;
export type StartMaintenance = Command<'StartMaintenance', { readonly reason: string }>;
/** Ends maintenance: the equipment is dirty (it must be cleaned), or back out of service if it was. */
export type CompleteMaintenance = Command<'CompleteMaintenance', Record<string, never>>;
export type TakeOutOfService = Command<'TakeOutOfService', { readonly reason: string }>;
/** Returns equipment to service, dirty: it must be cleaned before a step that needs it clean. */
export type ReturnToService = Command<'ReturnToService', Record<string, never>>;
/** Issued by batch execution when a step starts; no role check here (execution checked the performer). */
export type AllocateEquipment = Command<
  'AllocateEquipment',
  { readonly batchId: string; readonly stepId: string; readonly require: readonly EquipmentRequirement[] }
>;
/** Issued by batch execution when the step that holds the equipment ends; it is dirty afterwards. */
export type ReleaseEquipment = Command<'ReleaseEquipment', { readonly batchId: string; readonly stepId: string }>;

export type EquipmentCommand =
  | RegisterEquipment
  | RecordCleaning
  | MarkDirty
  | RecordCalibration
  | StartMaintenance
  | CompleteMaintenance
  | TakeOutOfService
  | ReturnToService
  | AllocateEquipment
  | ReleaseEquipment;
