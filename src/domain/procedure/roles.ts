/**
 * The roles of OpenBES, as a procedure names them. A step names the role that performs it and, optionally,
 * the role that verifies it; the site decides who holds which role. One list for the whole system: the
 * resources module keeps it, the procedure language re-exports it.
 */
import type { Role } from '../resources/roles.ts';

export { ROLES, isRole, type Role } from '../resources/roles.ts';

/** Administrators run the system; segregation of duties keeps them out of GMP work (perform, verify, sign). */
export const NON_GMP_ROLES: readonly Role[] = ['admin'];
