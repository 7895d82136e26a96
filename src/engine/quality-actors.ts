/** The system actors of the quality automation: they hold only the `system` role, which no person is granted. */
import type { Actor } from '../domain/shared/decider.ts';
import { SYSTEM_ROLE } from '../domain/decisions/decision-decider.ts';

/** The reactor: routes decisions, feeds CAPAs, completes change actions. */
export function qualityActor(site: string): Actor {
  return { id: 'system:quality', name: 'OpenBES quality automation', site, roles: [SYSTEM_ROLE] };
}

/** The timers: escalations when a decision is late. */
export function timerActor(site: string): Actor {
  return { id: 'system:timers', name: 'OpenBES timers', site, roles: [SYSTEM_ROLE] };
}
