/**
 * The static checker of the procedure language: everything that can be known wrong before a batch runs,
 * each with a stable code and a sentence a process engineer understands. Paths point into the YAML
 * document, so parse.ts can give each its line.
 */
import type { ProcedureDefinition } from './definition.ts';
import type { Diagnostic } from './diagnostic.ts';
import { checkExpressions } from './check-expressions.ts';
import { checkFields } from './check-fields.ts';
import { checkGraph } from './check-graph.ts';
import { checkIdentity, checkReferences } from './check-references.ts';
import { checkRoles, type RoleOptions } from './check-roles.ts';
import { stepGraph } from './step-graph.ts';

export type { Diagnostic } from './diagnostic.ts';
export type { RoleOptions } from './check-roles.ts';

/** Problems (errors) and likely mistakes (warnings) in a procedure definition; empty when it is clean. */
export function checkProcedure(def: ProcedureDefinition, options?: RoleOptions): Diagnostic[] {
  const graph = stepGraph(def.steps);
  return [
    ...checkIdentity(def),
    ...checkReferences(def),
    ...checkGraph(def, graph),
    ...checkRoles(def, options),
    ...checkFields(def),
    ...checkExpressions(def, graph),
  ];
}
