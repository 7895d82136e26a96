/** Checks who does what: known roles, no administrators in GMP work, a verifier other than the performer. */
import type { ProcedureDefinition } from './definition.ts';
import { error, suggestion, warning, type Diagnostic } from './diagnostic.ts';
import { NON_GMP_ROLES, ROLES, isRole } from './roles.ts';

export interface RoleOptions {
  /** How many people hold each role at the site, when known: decides whether a same-role verification can happen. */
  readonly roleHolders?: Readonly<Record<string, number>>;
}

/** Roles of performers and verifiers. */
export function checkRoles(def: ProcedureDefinition, options: RoleOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  def.steps.forEach((step, i) => {
    const roleProblem = (role: string, key: 'role' | 'verify', does: string) => {
      const path = ['steps', i, key];
      if (!isRole(role)) {
        out.push(error('unknown_role', `step '${step.id}' is ${does} by '${role}', which is not a role of OpenBES (${ROLES.filter((r) => !NON_GMP_ROLES.includes(r)).join(', ')})${suggestion(role, ROLES)}`, path, step.id));
      } else if (NON_GMP_ROLES.includes(role)) {
        out.push(error('admin_not_permitted', `step '${step.id}' is ${does} by '${role}': administrators run the system and may never perform, verify or sign GMP steps`, path, step.id));
      }
    };
    roleProblem(step.role, 'role', 'performed');
    if (step.verify === undefined) return;
    roleProblem(step.verify, 'verify', 'verified');
    if (step.verify !== step.role) return;
    const holders = options.roleHolders?.[step.role];
    const path = ['steps', i, 'verify'];
    if (options.roleHolders === undefined) {
      out.push(
        warning('same_role_verification', `step '${step.id}' is performed and verified by role '${step.role}': two different people holding '${step.role}' must be on hand, because nobody verifies their own work`, path, step.id),
      );
    } else if ((holders ?? 0) < 2) {
      out.push(
        error('same_role_verification', `step '${step.id}' is performed and verified by role '${step.role}', but ${holders ? 'only one person holds' : 'nobody holds'} that role here: nobody could verify the work`, path, step.id),
      );
    }
  });
  return out;
}
