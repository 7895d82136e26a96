/**
 * The closed loop of one CAPA, read across its records: the deviations it came from (and their root
 * causes), its actions, the changes it drove and the procedure versions they made effective, and what the
 * batches since then showed. A pure function of the states; the engine gathers them (quality-capa.ts).
 */
import type { ChangeState } from '../change/change-state.ts';
import type { EffectivenessCriterion } from './capa-events.ts';
import type { CapaAction, CapaState, EffectivenessCheck } from './capa-state.ts';
import type { DeviationState } from './deviation-state.ts';

export interface ClosedLoop {
  readonly capa: { readonly id: string; readonly title: string; readonly status: CapaState['status']; readonly round: number; readonly owner: string; readonly site: string };
  readonly deviations: readonly {
    readonly id: string;
    readonly batchId?: string;
    readonly stepId?: string;
    readonly severity: string;
    readonly category: string;
    readonly status: string;
    readonly rootCause?: string;
    readonly rootCauseCategory?: string;
  }[];
  readonly actions: readonly CapaAction[];
  readonly changes: readonly {
    readonly id: string;
    readonly procedure: string;
    readonly status: ChangeState['status'];
    readonly version?: number;
    readonly supersedes?: number;
    readonly effectiveFrom?: string;
    readonly approvedBy: readonly string[];
  }[];
  readonly criterion?: EffectivenessCriterion;
  readonly checks: readonly EffectivenessCheck[];
  /** Batches counted over all checks, and the recurrences among them. */
  readonly outcome: { readonly batchesObserved: number; readonly cleanBatches: number; readonly recurrences: readonly string[]; readonly reopenings: number };
}

/** The loop of `capa`; `changes` are the change requests linked to it (by action or by the change's CAPA). */
export function closedLoop(capa: CapaState, deviations: Readonly<Record<string, DeviationState>>, changes: Readonly<Record<string, ChangeState>>): ClosedLoop {
  const linked = new Set([...capa.actions.map((a) => a.changeId).filter((id): id is string => id !== undefined), ...Object.values(changes).filter((c) => c.capaId === capa.id).map((c) => c.id)]);
  const observed = capa.checks.flatMap((c) => c.observed);
  return {
    capa: { id: capa.id, title: capa.title, status: capa.status, round: capa.round, owner: capa.owner, site: capa.site },
    deviations: capa.deviations.map((id) => {
      const d = deviations[id];
      return {
        id,
        ...(d?.batchId !== undefined ? { batchId: d.batchId } : {}),
        ...(d?.stepId !== undefined ? { stepId: d.stepId } : {}),
        severity: d?.severity ?? 'unknown',
        category: d?.category ?? 'unknown',
        status: d?.status ?? 'not found',
        ...(d?.investigation ? { rootCause: d.investigation.rootCause, rootCauseCategory: d.investigation.rootCauseCategory } : {}),
      };
    }),
    actions: capa.actions,
    changes: [...linked].sort().map((id) => {
      const c = changes[id];
      return {
        id,
        procedure: c?.procedure ?? '',
        status: c?.status ?? 'none',
        ...(c?.version !== undefined ? { version: c.version } : {}),
        ...(c?.supersedes !== undefined ? { supersedes: c.supersedes } : {}),
        ...(c?.effectiveFrom !== undefined ? { effectiveFrom: c.effectiveFrom } : {}),
        approvedBy: c?.approval?.signatures.map((s) => s.by) ?? [],
      };
    }),
    ...(capa.criterion ? { criterion: capa.criterion } : {}),
    checks: capa.checks,
    outcome: {
      batchesObserved: observed.length,
      cleanBatches: observed.filter((o) => o.clean).length,
      recurrences: observed.flatMap((o) => o.recurrences.map((r) => r.deviationId)),
      reopenings: capa.reopenings.length,
    },
  };
}
