/**
 * Who may read batch records: the people who make, check and answer for them at the batch's site. Not
 * maintenance (equipment only) and not the IT admin (GMP data is not theirs to read).
 */
import type { Role } from '../../domain/resources/roles.ts';
import type { Principal } from '../principal.ts';

/** Roles that may read a batch record (JSON or HTML) and follow the live stream of batch events. */
export const RECORD_READER_ROLES: readonly Role[] = ['operator', 'supervisor', 'qa', 'qa-lead', 'engineer', 'leader'];

export function canReadRecords(principal: Principal): boolean {
  return principal.roles.some((r) => RECORD_READER_ROLES.includes(r));
}
