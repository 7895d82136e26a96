/**
 * Target quantities of consumptions, scaled with the batch: a fixed value, or an expression of batch_size
 * and the formula parameters. Tolerance is a percentage of the target or an absolute amount.
 */
import type { ConsumeDefinition } from '../procedure/definition.ts';
import { evaluateExpression } from '../procedure/expressions.ts';
import type { BatchState } from './batch-state.ts';
import { expressionValues } from './graph.ts';

export interface Target {
  readonly quantity: number;
  readonly unit: string;
  readonly tolerance: number;
}

/** The target of a consumption for this batch, or why it cannot be computed. */
export function targetOf(state: BatchState, consume: ConsumeDefinition): Target | { error: string } {
  const q = consume.quantity;
  let quantity: number;
  if (q.value !== undefined) quantity = q.value;
  else {
    const result = evaluateExpression(q.expression ?? '', expressionValues(state));
    if (!result.ok || typeof result.value !== 'number') return { error: result.ok ? 'the quantity is not a number' : result.error };
    quantity = result.value;
  }
  quantity = Math.round(quantity * 1e9) / 1e9;
  const { percent, absolute } = consume.tolerance;
  const tolerance = Math.round(((percent !== undefined ? (quantity * percent) / 100 : 0) + (absolute ?? 0)) * 1e9) / 1e9;
  return { quantity, unit: q.unit, tolerance };
}

/** Floating-point slack when comparing weighed amounts (far below any balance's resolution). */
export const EPSILON = 1e-9;
