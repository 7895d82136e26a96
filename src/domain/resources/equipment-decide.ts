/** The rules for equipment: who may record what, in which status, and when a step may take it. */
import type { DecisionContext } from '../shared/decider.ts';
import type { Decision, Refusal } from '../shared/refusal.ts';
import { accept, refuse } from '../shared/refusal.ts';
import { addMs } from '../shared/time.ts';
import { formatWhen, stillValid } from './dates.ts';
import type { EquipmentCommand, RegisterEquipment } from './equipment-commands.ts';
import type { EquipmentEvent } from './equipment-events.ts';
import { equipmentReadiness, isCleanFor } from './equipment-readiness.ts';
import type { EquipmentState } from './equipment-state.ts';
import { equipmentLabel } from './equipment-state.ts';
import { deny, firstRefusal, invalid, requireDate, requireText } from './inputs.ts';
import { roleCheck, siteCheck } from './roles.ts';

type Gated = Exclude<EquipmentCommand['type'], 'AllocateEquipment' | 'ReleaseEquipment'>;

/** Who may issue each command, and how the refusal names the action. Allocation is checked by execution. */
const AUTHORITY: Record<Gated, { readonly roles: readonly string[]; readonly action: string }> = {
  RegisterEquipment: { roles: ['admin', 'engineer'], action: 'Registering equipment' },
  RecordCleaning: { roles: ['operator', 'supervisor'], action: 'Recording a cleaning' },
  MarkDirty: { roles: ['operator', 'supervisor', 'qa'], action: 'Marking equipment dirty' },
  RecordCalibration: { roles: ['maintenance', 'qa'], action: 'Recording a calibration' },
  StartMaintenance: { roles: ['maintenance'], action: 'Starting maintenance' },
  CompleteMaintenance: { roles: ['maintenance'], action: 'Completing maintenance' },
  TakeOutOfService: { roles: ['supervisor', 'qa', 'maintenance'], action: 'Taking equipment out of service' },
  ReturnToService: { roles: ['supervisor', 'qa', 'maintenance'], action: 'Returning equipment to service' },
};

const VALID_REQUIREMENTS: readonly string[] = ['clean', 'calibrated'];

/** Decides one equipment command: its events, or why not. */
export function decideEquipment(state: EquipmentState, command: EquipmentCommand, context: DecisionContext): Decision<EquipmentEvent> {
  if (command.type === 'RegisterEquipment') return register(state, command, context);
  if (!state.registered)
    return refuse('equipment_not_registered', 'This equipment is not registered in OpenBES; check the id you scanned', { command: command.type });
  // Allocation and release come from execution, which checked the performer's role itself.
  if (command.type !== 'AllocateEquipment' && command.type !== 'ReleaseEquipment') {
    const denied = authority(state, command.type, context);
    if (denied) return deny(denied);
  }
  const equipmentId = state.id;
  const label = equipmentLabel(state);
  switch (command.type) {
    case 'RecordCleaning': {
      const { validForMs } = command.data;
      if (typeof validForMs !== 'number' || !Number.isInteger(validForMs) || validForMs <= 0)
        return deny(invalid('validForMs', `The clean hold time must be a whole number of milliseconds above zero; got ${String(validForMs)}`, validForMs));
      const blocked = statusGuard(state, ['in-use', 'maintenance', 'out-of-service'], 'cleaned');
      if (blocked) return deny(blocked);
      return accept({ type: 'EquipmentCleaned', data: { equipmentId, cleanUntil: addMs(context.now, validForMs), validForMs } });
    }
    case 'MarkDirty': {
      const bad = requireText('reason', command.data.reason, 'The reason');
      if (bad) return deny(bad);
      const blocked = statusGuard(state, ['in-use', 'maintenance', 'out-of-service'], 'marked dirty');
      if (blocked) return deny(blocked);
      return accept({ type: 'EquipmentMarkedDirty', data: { equipmentId, reason: command.data.reason } });
    }
    case 'RecordCalibration': {
      const { dueDate } = command.data;
      const bad = requireDate('dueDate', dueDate, 'The next calibration due date');
      if (bad) return deny(bad);
      if (!stillValid(dueDate, context.now))
        return deny(invalid('dueDate', `The next calibration due date ${formatWhen(dueDate)} is already past; enter a later date`, dueDate));
      const blocked = statusGuard(state, ['in-use'], 'calibrated');
      if (blocked) return deny(blocked);
      return accept({ type: 'EquipmentCalibrated', data: { equipmentId, dueDate } });
    }
    case 'StartMaintenance': {
      const bad = requireText('reason', command.data.reason, 'The reason');
      if (bad) return deny(bad);
      const blocked = statusGuard(state, ['in-use', 'maintenance'], 'put under maintenance');
      if (blocked) return deny(blocked);
      return accept({ type: 'EquipmentMaintenanceStarted', data: { equipmentId, reason: command.data.reason } });
    }
    case 'CompleteMaintenance': {
      if (state.status !== 'maintenance')
        return refuse('equipment_not_in_maintenance', `${label} is not under maintenance; there is nothing to complete`, { equipmentId, status: state.status });
      const status = state.outOfServiceBeforeMaintenance ? 'out-of-service' : 'dirty';
      return accept({ type: 'EquipmentMaintenanceCompleted', data: { equipmentId, status } });
    }
    case 'TakeOutOfService': {
      const bad = requireText('reason', command.data.reason, 'The reason');
      if (bad) return deny(bad);
      const blocked = statusGuard(state, ['in-use', 'out-of-service'], 'taken out of service');
      if (blocked) return deny(blocked);
      return accept({ type: 'EquipmentTakenOutOfService', data: { equipmentId, reason: command.data.reason } });
    }
    case 'ReturnToService': {
      if (state.status !== 'out-of-service')
        return refuse('equipment_not_out_of_service', `${label} is not out of service; there is nothing to return`, { equipmentId, status: state.status });
      return accept({ type: 'EquipmentReturnedToService', data: { equipmentId } });
    }
    case 'AllocateEquipment': {
      const { batchId, stepId, require } = command.data;
      const bad = firstRefusal(
        requireText('batchId', batchId, 'The batch id'),
        requireText('stepId', stepId, 'The step id'),
        Array.isArray(require) && require.every((r) => VALID_REQUIREMENTS.includes(r))
          ? undefined
          : invalid('require', `Equipment requirements must be clean or calibrated; got ${String(require)}`, require),
      );
      if (bad) return deny(bad);
      const notReady = equipmentReadiness(state, require, context.now, batchId);
      if (notReady) return deny(notReady);
      const campaign = isCleanFor(state, context.now, batchId);
      return accept({ type: 'EquipmentAllocated', data: { equipmentId, batchId, stepId, require: [...require], campaign } });
    }
    case 'ReleaseEquipment': {
      const { batchId, stepId } = command.data;
      if (state.status !== 'in-use' || state.inUseBy?.batchId !== batchId || state.inUseBy.stepId !== stepId)
        return refuse('equipment_not_allocated', `${label} is not in use by step ${stepId} of batch ${batchId}; it cannot be released by it`, {
          equipmentId,
          batchId,
          stepId,
          status: state.status,
          ...(state.inUseBy && { inUseBy: state.inUseBy }),
        });
      return accept({ type: 'EquipmentReleased', data: { equipmentId, batchId, stepId } });
    }
  }
}

function register(state: EquipmentState, command: RegisterEquipment, context: DecisionContext): Decision<EquipmentEvent> {
  const { equipmentId, site, name, calibrationDue } = command.data;
  const bad = firstRefusal(
    roleCheck(context.actor.roles, AUTHORITY.RegisterEquipment.roles, AUTHORITY.RegisterEquipment.action),
    requireText('equipmentId', equipmentId, 'The equipment id'),
    requireText('site', site, 'The site'),
    requireText('name', name, 'The equipment name'),
    requireText('class', command.data.class, 'The equipment class'),
    calibrationDue === undefined ? undefined : requireDate('calibrationDue', calibrationDue, 'The calibration due date'),
  );
  if (bad) return deny(bad);
  const elsewhere = siteCheck(context.actor.site, site, `Equipment ${equipmentId}`);
  if (elsewhere) return deny(elsewhere);
  if (state.registered)
    return refuse('already_registered', `${equipmentLabel(state)} is already registered`, { equipmentId: state.id, site: state.site });
  return accept({
    type: 'EquipmentRegistered',
    data: { equipmentId, site, name, class: command.data.class, ...(calibrationDue !== undefined && { calibrationDue }) },
  });
}

function authority(state: EquipmentState, type: Gated, context: DecisionContext): Refusal | undefined {
  const { roles, action } = AUTHORITY[type];
  return roleCheck(context.actor.roles, roles, action) ?? siteCheck(context.actor.site, state.site, equipmentLabel(state));
}

type Blocking = 'in-use' | 'maintenance' | 'out-of-service';

/** Refuses when the equipment is in one of the `blocked` statuses, naming the status as the reason. */
function statusGuard(state: EquipmentState, blocked: readonly Blocking[], verb: string): Refusal | undefined {
  const status = state.status;
  if (status !== 'in-use' && status !== 'maintenance' && status !== 'out-of-service') return undefined;
  if (!blocked.includes(status)) return undefined;
  const label = equipmentLabel(state);
  const why = state.statusReason ? ` (${state.statusReason})` : '';
  const details = { equipmentId: state.id, status, ...(state.statusReason && { statusReason: state.statusReason }) };
  switch (status) {
    case 'in-use': {
      const by = state.inUseBy!;
      return {
        code: 'equipment_in_use',
        message: `${label} is in use by batch ${by.batchId} (step ${by.stepId}); it can be ${verb} only after the step releases it`,
        details: { ...details, inUseBy: by },
      };
    }
    case 'maintenance':
      return { code: 'equipment_in_maintenance', message: `${label} is under maintenance${why}; it can be ${verb} only after maintenance is completed`, details };
    case 'out-of-service':
      return { code: 'equipment_out_of_service', message: `${label} is out of service${why}; it can be ${verb} only after it is returned to service`, details };
  }
}
