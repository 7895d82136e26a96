/**
 * How QA works a deviation in the demo, through its routed decisions (src/domain/decisions): the reactor
 * routes the triage, QA signs it and names an investigator, the engineer records the root cause, the
 * reactor routes the disposition, QA signs "continue". Only then may the batch's hold be released.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../domain/shared/decider.ts';
import type { Engine, Outcome } from '../engine/engine.ts';
import { executeDecisionCommand } from '../engine/quality-decisions.ts';
import { executeDeviationCommand } from '../engine/quality-deviations.ts';
import { createQualityRuntime, type QualityRuntime } from '../engine/quality-runtime.ts';
import { loadRoutingFile } from '../engine/quality-routing.ts';
import { openSqliteTimerStore } from '../timers/sqlite/timer-store.ts';
import { join, resolve } from 'node:path';
import { actorOf } from './plant.ts';

const must = (outcome: Outcome, what: string) => {
  if (!outcome.ok) throw new Error(`${what} was refused: [${outcome.refusal.code}] ${outcome.refusal.message}`);
};
const hashOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export async function decideDeviation(engine: Engine, runtime: QualityRuntime, deviationId: string, actors: Readonly<Record<string, Actor>>): Promise<void> {
  const qa = actors.quinn!;
  const engineer = actors.erin!;
  await runtime.tick();
  const triage = `triage-${deviationId}`;
  must(
    await executeDecisionCommand(engine, triage, { type: 'SignDecision', data: { outcome: 'triaged', signature: { meaning: 'reviewed', recordHash: hashOf(triage) }, data: { severity: 'major', category: 'critical-value', impact: 'Tablets pressed since the last good check are segregated and tested 100 %', investigator: engineer.id } } }, qa),
    `triage of ${deviationId}`,
  );
  must(
    await executeDeviationCommand(engine, deviationId, { type: 'RecordInvestigation', data: { rootCause: 'Compression force drifted after a punch change; the force check at set-up was skipped', rootCauseCategory: 'method' } }, engineer),
    `investigation of ${deviationId}`,
  );
  await runtime.tick();
  const disposition = `disposition-${deviationId}`;
  must(
    await executeDecisionCommand(engine, disposition, { type: 'SignDecision', data: { outcome: 'continue', signature: { meaning: 'approved', recordHash: hashOf(disposition) }, data: { rationale: 'Press re-adjusted; segregated tablets tested 100 % and in spec' } } }, qa),
    `disposition of ${deviationId}`,
  );
}

/**
 * The same, for a program that runs no quality automation of its own (tests, scripts): a runtime on a timer
 * table in `dir`, with the example routing, for as long as the decisions take.
 */
export async function decideDeviationOnce(engine: Engine, deviationId: string, site: string, options: { dir: string; clock?: () => Date }): Promise<void> {
  const timers = await openSqliteTimerStore({ file: join(options.dir, 'quality-timers.db') });
  const runtime = createQualityRuntime({ engine, timers, routing: loadRoutingFile(EXAMPLE_ROUTING), ...(options.clock ? { clock: options.clock } : {}) });
  try {
    const actors = { quinn: await actorOf(engine, 'quinn', site), erin: await actorOf(engine, 'erin', site) };
    await decideDeviation(engine, runtime, deviationId, actors);
  } finally {
    await runtime.stop();
    await timers.close();
  }
}

/** The routing file that ships with OpenBES (config/routing.example.yaml). */
export const EXAMPLE_ROUTING = resolve(import.meta.dirname, '../../config/routing.example.yaml');
