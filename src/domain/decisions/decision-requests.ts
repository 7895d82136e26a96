/**
 * The decision task each quality event calls for, as a RouteDecision command: its deterministic id (so a
 * reaction repeated after a restart finds it already routed), its subject, its route from the site's
 * configuration, and the people who may not sign it (their own work). Pure; the engine's reactor issues them.
 */
import type { BatchState } from '../execution/batch-state.ts';
import type { ProcedureState } from '../procedure/lifecycle.ts';
import type { DeviationState } from '../quality/deviation-state.ts';
import type { CapaState } from '../quality/capa-state.ts';
import type { ChangeState } from '../change/change-state.ts';
import type { RouteDecision } from './decision-commands.ts';
import { routeFor, type RoutingConfig } from './routing.ts';
import { conflicts, type Conflict } from './segregation.ts';
import type { DecisionKind, DecisionSubject } from './subjects.ts';

/** The id of the decision task of a kind about a subject ("triage-B-0001-D1", "capa-approval-CAPA-7-r2"). */
export function decisionIdFor(kind: DecisionKind, subjectId: string, round?: number): string {
  const prefix: Record<DecisionKind, string> = {
    deviation_triage: 'triage',
    deviation_disposition: 'disposition',
    batch_release: 'release',
    procedure_approval: 'procedure-approval',
    change_approval: 'change-approval',
    capa_approval: 'capa-approval',
    capa_effectiveness: 'capa-effectiveness',
  };
  return `${prefix[kind]}-${subjectId}${round !== undefined ? `-r${round}` : ''}`;
}

/** `from`: when the clock starts — the event that called for it (the automation); absent: when it is routed. */
function request(config: RoutingConfig, site: string, subject: DecisionSubject, people: readonly Conflict[], from: string | undefined, round?: number, category?: string): RouteDecision | undefined {
  const route = routeFor(config, site, subject.kind, { ...(subject.severity ? { severity: subject.severity } : {}), ...(category ? { category } : {}) });
  if (route === undefined) return undefined;
  return { type: 'RouteDecision', data: { decisionId: decisionIdFor(subject.kind, subject.id, round), site, subject, route, conflicts: conflicts(people), ...(from !== undefined ? { from } : {}) } };
}

function deviationPeople(d: DeviationState): Conflict[] {
  return [{ personId: d.raisedBy, code: 'self_approval', reason: 'raised this deviation' }];
}

/** Triage of a deviation just raised. */
export function triageRequest(config: RoutingConfig, d: DeviationState, from: string): RouteDecision | undefined {
  const subject: DecisionSubject = { kind: 'deviation_triage', id: d.id, title: `${d.severity} deviation ${d.id}: ${d.description}`, severity: d.severity };
  return request(config, d.site, subject, deviationPeople(d), from, undefined, d.category);
}

/** Disposition of a triaged deviation (routed by the triaged severity). */
export function dispositionRequest(config: RoutingConfig, d: DeviationState, from: string): RouteDecision | undefined {
  const subject: DecisionSubject = { kind: 'deviation_disposition', id: d.id, title: `disposition of ${d.severity} deviation ${d.id}: ${d.description}`, severity: d.severity };
  return request(config, d.site, subject, deviationPeople(d), from, undefined, d.category);
}

/** Review and release of a completed batch: nobody who performed a step of it signs it. */
export function releaseRequest(config: RoutingConfig, batch: BatchState, from: string): RouteDecision | undefined {
  const people: Conflict[] = Object.entries(batch.steps).flatMap(([stepId, run]) =>
    run.performers.map((personId): Conflict => ({ personId, code: 'releaser_performed_step', reason: `performed step "${stepId}" of batch ${batch.id}` })),
  );
  const subject: DecisionSubject = { kind: 'batch_release', id: batch.id, title: `review and release of batch ${batch.id} (${batch.procedure} v${batch.version})` };
  return request(config, batch.site, subject, people, from);
}

function drafter(procedure: ProcedureState | undefined, version: number | undefined): Conflict[] {
  const drafted = procedure?.versions.find((v) => v.version === version);
  return drafted ? [{ personId: drafted.draftedBy, code: 'self_approval', reason: `drafted version ${drafted.version} of ${procedure?.procedure}` }] : [];
}

/** Approval of a submitted change: never its author, nor the drafter of the version it proposes. */
export function changeApprovalRequest(config: RoutingConfig, change: ChangeState, procedure: ProcedureState | undefined, from: string): RouteDecision | undefined {
  const subject: DecisionSubject = { kind: 'change_approval', id: change.id, title: `change ${change.id}: ${change.title} (${change.procedure} v${change.version})` };
  return request(config, change.site, subject, [{ personId: change.author, code: 'author_cannot_approve', reason: `requested change ${change.id}` }, ...drafter(procedure, change.version)], from);
}

/** Approval of a version submitted outside change control (asked for by a person: the clock starts when routed). */
export function procedureApprovalRequest(config: RoutingConfig, site: string, procedure: ProcedureState, version: number, from?: string): RouteDecision | undefined {
  const code = procedure.procedure ?? '';
  const subject: DecisionSubject = { kind: 'procedure_approval', id: code, version, title: `approval of ${code} version ${version}` };
  return request(config, site, subject, drafter(procedure, version), from, version);
}

function capaPeople(capa: CapaState): Conflict[] {
  return [{ personId: capa.owner, code: 'self_approval', reason: `own CAPA ${capa.id}` }];
}

/** Approval of a submitted CAPA plan (one per round). */
export function capaApprovalRequest(config: RoutingConfig, capa: CapaState, from: string): RouteDecision | undefined {
  const subject: DecisionSubject = { kind: 'capa_approval', id: capa.id, title: `CAPA ${capa.id}: ${capa.title}` };
  return request(config, capa.site, subject, capaPeople(capa), from, capa.round);
}

/** QA's confirmation that a passed effectiveness check closes the CAPA. */
export function capaEffectivenessRequest(config: RoutingConfig, capa: CapaState, from: string): RouteDecision | undefined {
  const subject: DecisionSubject = { kind: 'capa_effectiveness', id: capa.id, title: `effectiveness of CAPA ${capa.id}: ${capa.title}` };
  return request(config, capa.site, subject, capaPeople(capa), from, capa.round);
}
