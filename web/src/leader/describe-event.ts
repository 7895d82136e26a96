/** One line for the live feed: who did what on which record. */
import type { LedgerEvent } from '../api/types.ts';

export function describeEvent(e: LedgerEvent): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const subject = e.streamId.replace(/^(batch|equipment|lot|person|procedure|deviation|decision)-/, '');
  const who = e.actor.startsWith('system:') ? 'the system' : e.actor;
  switch (e.type) {
    case 'CommandRefused':
      return `${who}: ${String(d.command ?? '')} on ${String(d.subject ?? '').replace(/^batch-/, '')} — ${String(d.message ?? d.code ?? '')}`;
    case 'StepStarted':
    case 'StepCompleted':
    case 'StepVerified':
      return `${who}: ${e.type.replace('Step', 'step ').toLowerCase()} ${String(d.stepId ?? '')} of ${subject}`;
    case 'ValueRecorded':
      return `${who}: recorded ${String(d.fieldId ?? '')} on ${subject} (${String(d.evaluation ?? '').replace('_', ' ')})`;
    default:
      return `${who}: ${e.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} · ${subject}`;
  }
}
