/**
 * Whether equipment may be used by a step of a batch now: the check batch execution makes at step start and
 * `AllocateEquipment` repeats. Refusal code `equipment_not_ready`, `details.reason` one of
 * not_registered | out_of_service | maintenance | in_use | calibration_due | dirty | clean_expired
 * (`details.reasons` lists every reason that applies; the message states them in that order).
 *
 * Campaign rule: equipment that was clean (within its clean hold time) when a batch first took it, and is
 * dirty only because that same batch released it since (nothing else happened to it in between: no
 * cleaning, marking dirty, maintenance or out of service), counts as clean for that batch: consecutive
 * steps of one batch soil it only with the same product. Any other batch needs it cleaned first.
 */
import type { EquipmentRequirement } from '../procedure/definition.ts';
import type { Refusal } from '../shared/refusal.ts';
import { formatWhen, stillValid } from './dates.ts';
import type { EquipmentState } from './equipment-state.ts';
import { equipmentLabel } from './equipment-state.ts';

export type EquipmentNotReadyReason =
  | 'not_registered'
  | 'out_of_service'
  | 'maintenance'
  | 'in_use'
  | 'calibration_due'
  | 'dirty'
  | 'clean_expired';

type Problem = { readonly reason: EquipmentNotReadyReason; readonly message: string };

/**
 * Refuses (`equipment_not_ready`) unless `eq` meets `require` for batch `forBatch` at `now`. With
 * `heldByStep`, equipment that this very step of the batch holds is usable (a balance the step allocated
 * and now weighs on); its calibration is still checked at the moment of use.
 */
export function equipmentReadiness(
  eq: EquipmentState,
  require: readonly EquipmentRequirement[],
  now: string,
  forBatch: string,
  heldByStep?: string,
): Refusal | undefined {
  const problems = readinessProblems(eq, require, now, forBatch, heldByStep);
  if (problems.length === 0) return undefined;
  return {
    code: 'equipment_not_ready',
    message: problems.map((p) => p.message).join('. '),
    details: {
      equipmentId: eq.id,
      reason: problems[0]!.reason,
      reasons: problems.map((p) => p.reason),
      status: eq.status,
      batchId: forBatch,
      require: [...require],
      ...(eq.inUseBy && { inUseBy: eq.inUseBy }),
      ...(eq.cleanUntil && { cleanUntil: eq.cleanUntil }),
      ...(eq.calibrationDue && { calibrationDue: eq.calibrationDue }),
    },
  };
}

/** Whether `eq` counts as clean for `forBatch` at `now`, campaign rule included. */
export function isCleanFor(eq: EquipmentState, now: string, forBatch: string): boolean {
  if (eq.status === 'clean') return eq.cleanUntil !== undefined && stillValid(eq.cleanUntil, now);
  return eq.status === 'dirty' && eq.campaignBatch === forBatch && eq.lastUsedBy === forBatch;
}

function readinessProblems(eq: EquipmentState, require: readonly EquipmentRequirement[], now: string, forBatch: string, heldByStep?: string): Problem[] {
  if (!eq.registered) return [{ reason: 'not_registered', message: 'This equipment is not registered in OpenBES; check the id you scanned' }];
  const label = equipmentLabel(eq);
  const why = eq.statusReason ? ` (${eq.statusReason})` : '';
  // Blocking statuses: nothing else matters until they end.
  if (eq.status === 'out-of-service') return [{ reason: 'out_of_service', message: `${label} is out of service${why}; it must not be used` }];
  if (eq.status === 'maintenance') return [{ reason: 'maintenance', message: `${label} is under maintenance${why}; it cannot be used until maintenance is completed` }];
  const heldHere = eq.status === 'in-use' && heldByStep !== undefined && eq.inUseBy?.batchId === forBatch && eq.inUseBy.stepId === heldByStep;
  if (eq.status === 'in-use' && !heldHere) {
    const by = eq.inUseBy!;
    const message =
      by.batchId === forBatch
        ? `${label} is still in use by step ${by.stepId} of this batch; that step must release it first`
        : `${label} is in use by batch ${by.batchId} (step ${by.stepId})`;
    return [{ reason: 'in_use', message }];
  }
  const problems: Problem[] = [];
  if (require.includes('calibrated')) {
    if (eq.calibrationDue === undefined)
      problems.push({ reason: 'calibration_due', message: `${label} has no calibration record; it must be calibrated before use` });
    else if (!stillValid(eq.calibrationDue, now))
      problems.push({ reason: 'calibration_due', message: `${label} calibration expired on ${formatWhen(eq.calibrationDue)}` });
  }
  // Cleanliness was established when the step took it; the step's own use does not soil it for itself.
  if (require.includes('clean') && !heldHere && !isCleanFor(eq, now, forBatch)) {
    if (eq.status === 'clean')
      problems.push({ reason: 'clean_expired', message: `${label} was cleaned until ${formatWhen(eq.cleanUntil ?? now)}; clean it again` });
    else if (eq.status === 'available')
      problems.push({ reason: 'dirty', message: `${label} has no cleaning record; clean it before use` });
    else problems.push({ reason: 'dirty', message: `${label} is dirty${why}; clean it before use` });
  }
  return problems;
}
