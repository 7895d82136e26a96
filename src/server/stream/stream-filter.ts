/**
 * Who may see which kind of event on the live stream, and the filters a client asks for. An event is
 * sent only when the principal holds a role that reads its kind, its scope includes the principal's site,
 * and it matches every filter.
 */
import type { Role } from '../../domain/resources/roles.ts';
import type { Principal } from '../principal.ts';
import { RECORD_READER_ROLES } from '../record/readers.ts';
import type { EventScope, StreamKind } from './event-scope.ts';

/** Roles that may follow each kind of event (at their own site). */
export const STREAM_READERS: Readonly<Record<StreamKind, readonly Role[]>> = {
  batch: RECORD_READER_ROLES,
  deviation: RECORD_READER_ROLES,
  refusal: RECORD_READER_ROLES,
  lot: RECORD_READER_ROLES,
  procedure: RECORD_READER_ROLES,
  equipment: [...RECORD_READER_ROLES, 'maintenance'],
  // People's roles and training: those who manage people, not every colleague.
  person: ['supervisor', 'qa', 'qa-lead', 'leader', 'admin'],
};

export interface StreamFilter {
  /** Only events about this batch: its stream, its deviations, refused attempts on it. */
  readonly batch?: string;
  /** Only these kinds. */
  readonly kinds?: readonly StreamKind[];
}

/** Kinds the principal may follow at all. */
export function readableKinds(principal: Principal): StreamKind[] {
  return (Object.keys(STREAM_READERS) as StreamKind[]).filter((kind) => principal.roles.some((r) => STREAM_READERS[kind].includes(r)));
}

/** Whether the event (by its scope) may be sent to the principal and matches the filter. */
export function shouldSend(principal: Principal, scope: EventScope, filter: StreamFilter): boolean {
  if (!principal.roles.some((r) => STREAM_READERS[scope.kind].includes(r))) return false;
  if (scope.sites !== 'all' && !scope.sites.includes(principal.site)) return false;
  if (filter.kinds !== undefined && !filter.kinds.includes(scope.kind)) return false;
  if (filter.batch !== undefined && scope.batchId !== filter.batch) return false;
  return true;
}
