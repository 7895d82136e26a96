/**
 * Whether a quantity may be taken from a lot now: the check batch execution makes before a step consumes
 * material, and `ConsumeLot` repeats. Refusal code `material_not_usable`, `details.reason` one of
 * not_registered | rejected | quarantined | expired | insufficient (`details.reasons` lists all that apply).
 *
 * A rejected lot is never usable and a short lot never gives what it lacks, whatever the procedure asks;
 * quarantine and expiry are checked when the procedure requires `released` and `in-date`. An expiry day
 * ("2026-11-25") is usable through the end of that day, UTC, as it is printed on the label.
 * The material itself (right lot for the slot) is execution's check: see `lotMaterial`.
 */
import type { MaterialRequirement } from '../procedure/definition.ts';
import type { Refusal } from '../shared/refusal.ts';
import { formatWhen, stillValid } from './dates.ts';
import type { LotState } from './lot-state.ts';
import { convertQuantity, formatQuantity, roundQuantity } from './units.ts';

export type MaterialNotUsableReason = 'not_registered' | 'rejected' | 'quarantined' | 'expired' | 'insufficient';

type Problem = { readonly reason: MaterialNotUsableReason; readonly message: string };

/**
 * Refuses (`material_not_usable`) unless `quantity` `unit` may be taken from `lot` at `now` under
 * `require`; `invalid_value` when `unit` cannot be converted to the lot's unit (kg from a lot in pcs).
 */
export function lotUsability(
  lot: LotState,
  require: readonly MaterialRequirement[],
  quantity: number,
  unit: string,
  now: string,
): Refusal | undefined {
  if (!lot.registered) return notUsable(lot, [{ reason: 'not_registered', message: 'This lot is not registered in OpenBES; check the lot number you scanned' }], {});
  const problems: Problem[] = [];
  if (lot.status === 'rejected') {
    const why = lot.rejectionReason ? ` (${lot.rejectionReason})` : '';
    problems.push({ reason: 'rejected', message: `Lot ${lot.id} was rejected by QA${why}; it must not be used` });
  }
  if (require.includes('released') && lot.status === 'quarantine')
    problems.push({ reason: 'quarantined', message: `Lot ${lot.id} is in quarantine; QA has not released it` });
  if (require.includes('in-date') && !stillValid(lot.expiry, now))
    problems.push({ reason: 'expired', message: `Lot ${lot.id} expired on ${formatWhen(lot.expiry)}` });
  const converted = convertQuantity(quantity, unit, lot.unit);
  // Compared on the stock grid (1e-9 of the lot unit), as ConsumeLot records it.
  const needed = converted === undefined ? undefined : roundQuantity(converted);
  if (needed === undefined && problems.length === 0)
    return {
      code: 'invalid_value',
      message: `Lot ${lot.id} is counted in ${lot.unit}; ${formatQuantity(quantity, unit)} cannot be taken from it`,
      details: { field: 'unit', value: unit, lotId: lot.id, lotUnit: lot.unit },
    };
  if (needed !== undefined && lot.onHand < needed) {
    const asked = unit === lot.unit ? '' : ` (${formatQuantity(quantity, unit)})`;
    problems.push({
      reason: 'insufficient',
      message: `Only ${formatQuantity(lot.onHand, lot.unit)} of lot ${lot.id} is left; ${formatQuantity(needed, lot.unit)}${asked} are needed`,
    });
  }
  if (problems.length === 0) return undefined;
  return notUsable(lot, problems, { status: lot.status, expiry: lot.expiry, onHand: lot.onHand, unit: lot.unit, needed, require: [...require] });
}

function notUsable(lot: LotState, problems: readonly Problem[], facts: Record<string, unknown>): Refusal {
  return {
    code: 'material_not_usable',
    message: problems.map((p) => p.message).join('. '),
    details: { lotId: lot.id, reason: problems[0]!.reason, reasons: problems.map((p) => p.reason), ...facts },
  };
}
