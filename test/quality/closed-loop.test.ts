/**
 * The closed loop, end to end through the engine, the real store and the quality automation (reactor and
 * timers), on SQLite and on PostgreSQL: an out-of-spec hardness raises a deviation that holds the batch; its
 * triage and disposition are routed, signed decisions; QA cannot release the batch while the deviation is
 * open, can once it is closed; a CAPA opened from it drives a change whose approval by two QA people (never
 * its author) makes version 2 of the procedure effective; operators not trained on version 2 are refused
 * until they are; three later batches without recurrence pass the effectiveness check, measured
 * automatically, and QA closes the CAPA. In the failing variant the hardness recurs and the CAPA reopens.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/shared/decider.ts';
import type { BatchCommand } from '../../src/domain/execution/batch-commands.ts';
import type { BatchState } from '../../src/domain/execution/batch-state.ts';
import type { CapaState } from '../../src/domain/quality/capa-state.ts';
import type { DeviationState } from '../../src/domain/quality/deviation-state.ts';
import type { DecisionState } from '../../src/domain/decisions/decision-state.ts';
import type { ProcedureState } from '../../src/domain/procedure/lifecycle.ts';
import { parseProcedure } from '../../src/domain/procedure/parse.ts';
import { actorOf, setUpPlant } from '../../src/demo/plant.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { executeDecisionCommand, listDecisions } from '../../src/engine/quality-decisions.ts';
import { executeDeviationCommand } from '../../src/engine/quality-deviations.ts';
import { executeCapaCommand, loadClosedLoop } from '../../src/engine/quality-capa.ts';
import { executeChangeCommand } from '../../src/engine/quality-change.ts';
import { loadBatchReview } from '../../src/engine/quality-review.ts';
import type { Outcome } from '../../src/engine/engine.ts';
import { postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';
import { verifyStore } from '../../src/store/verify-store.ts';
import { addQualityStaff, clockAt, newPlace, ok, openWorld, SITE, type Clock, type Place, type World } from './quality-world.ts';

const pg = await postgresAvailable();
requirePostgresInCi(pg);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const PROCEDURE = 'TAB-PRESS';

/** One run of the loop: the world, its clock, and people acting in it. */
class Loop {
  readonly world: World;
  readonly clock: Clock;
  readonly place: Place;

  constructor(world: World, clock: Clock, place: Place) {
    this.world = world;
    this.clock = clock;
    this.place = place;
  }

  get engine() {
    return this.world.engine;
  }

  as(person: string): Promise<Actor> {
    return actorOf(this.engine, person, SITE);
  }

  /** Everyone acts five minutes after the last action. */
  async done(outcome: Outcome, what: string): Promise<Outcome> {
    ok(outcome, what);
    this.clock.advance(5 * 60_000);
    return outcome;
  }

  async refused(outcome: Promise<Outcome>, code: string): Promise<string> {
    const o = await outcome;
    expect(o.ok ? 'accepted' : o.refusal.code).toBe(code);
    return o.ok ? '' : o.refusal.message;
  }

  async batch(batchId: string, person: string, command: BatchCommand): Promise<Outcome> {
    return executeBatchCommand(this.engine, batchId, command, await this.as(person));
  }

  async sign(decisionId: string, person: string, outcome: string, meaning: 'reviewed' | 'approved' | 'released', data?: Record<string, unknown>): Promise<Outcome> {
    return executeDecisionCommand(this.engine, decisionId, { type: 'SignDecision', data: { outcome, signature: { meaning, recordHash: `sha256:${decisionId}` }, ...(data ? { data } : {}) } }, await this.as(person));
  }

  tick() {
    return this.world.runtime.tick();
  }

  decision(id: string) {
    return this.engine.load<DecisionState>('decision', id).then((d) => d.state);
  }

  /** Runs a batch from creation; stops after the hardness when it is out of spec (the batch is then held). */
  async runBatch(batchId: string, version: number, hardness: number, operator = 'olivia'): Promise<void> {
    const step = async (person: string, command: BatchCommand) => this.done(await this.batch(batchId, person, command), `${person} ${command.type} on ${batchId}`);
    await step('sam', { type: 'CreateBatch', data: { batchId, site: SITE, procedure: PROCEDURE, version } });
    await step(operator, { type: 'StartStep', data: { stepId: 'setup' } });
    await step(operator, { type: 'RecordValue', data: { stepId: 'setup', fieldId: 'punch_set', value: 'PX10-P001' } });
    if (version >= 2) await step(operator, { type: 'RecordValue', data: { stepId: 'setup', fieldId: 'force_checked', value: true } });
    await step(operator, { type: 'CompleteStep', data: { stepId: 'setup' } });
    await step('sam', { type: 'VerifyStep', data: { stepId: 'setup', signature: { meaning: 'verified' } } });
    await step(operator, { type: 'StartStep', data: { stepId: 'compress' } });
    await step(operator, { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: hardness } });
    if (hardness < 8 || hardness > 12) return;
    await this.finishBatch(batchId, operator);
  }

  async finishBatch(batchId: string, operator = 'olivia'): Promise<void> {
    await this.done(await this.batch(batchId, operator, { type: 'CompleteStep', data: { stepId: 'compress', signature: { meaning: 'performed' } } }), `completing compress of ${batchId}`);
    await this.done(await this.batch(batchId, 'sam', { type: 'CompleteBatch', data: {} }), `completing ${batchId}`);
  }

  /** Triage, investigation and disposition of a deviation through its routed decisions; then the hold is released. */
  async decideDeviation(deviationId: string, batchId: string, disposition = 'continue'): Promise<void> {
    await this.tick();
    const triage = await this.decision(`triage-${deviationId}`);
    expect(triage).toMatchObject({ status: 'open', role: 'qa', subject: { kind: 'deviation_triage', severity: 'major' } });
    await this.done(await this.sign(`triage-${deviationId}`, 'quinn', 'triaged', 'reviewed', { severity: 'major', category: 'critical-value', impact: 'tablets pressed since the last good check are segregated', investigator: 'erin' }), 'triage');
    const erin = await this.as('erin');
    await this.done(
      await executeDeviationCommand(this.engine, deviationId, { type: 'RecordInvestigation', data: { rootCause: 'The set-up sheet does not ask for the compression force to be checked', rootCauseCategory: 'method' } }, erin),
      'investigation',
    );
    await this.tick();
    const holdId = (await this.engine.load<BatchState>('batch', batchId)).state.holds[0]!.id;
    await this.refused(this.batch(batchId, 'quinn', { type: 'ReleaseHold', data: { holdId, reason: 'press adjusted' } }), 'deviation_not_dispositioned');
    await this.done(await this.sign(`disposition-${deviationId}`, 'quinn', disposition, 'approved', { rationale: 'press re-adjusted; segregated tablets to be tested 100 %' }), 'disposition');
    await this.done(await this.batch(batchId, 'quinn', { type: 'ReleaseHold', data: { holdId, reason: 'disposition decided: continue after re-adjustment' } }), 'releasing the hold');
    await this.done(await this.batch(batchId, 'olivia', { type: 'CorrectValue', data: { stepId: 'compress', fieldId: 'hardness', value: 10.1, reason: 're-measured after press re-adjustment' } }), 'correction');
  }
}

async function openLoop(backend: 'sqlite' | 'postgres'): Promise<Loop> {
  const clock = clockAt('2026-11-24T06:00:00.000Z');
  const place = await newPlace(backend, cleanups);
  const world = await openWorld(place, clock);
  cleanups.push(() => world.close());
  await setUpPlant(world.engine, { site: SITE, proceduresDir: FIXTURES, procedures: ['tab-press.yaml'] });
  await addQualityStaff(world.engine, SITE);
  // Oscar is also QA at the site: he may review batches he had no part in.
  const setup: Actor = { id: 'system:setup', name: 'Plant set-up', site: SITE, roles: ['admin'] };
  ok(await executeCommand(world.engine, 'person', 'oscar', { type: 'GrantRole', data: { site: SITE, role: 'qa' } }, setup), 'granting qa to oscar');
  return new Loop(world, clock, place);
}

/** Up to the effectiveness check: deviation, release of B-1, CAPA, change, version 2 effective, training. */
async function loopToCheck(loop: Loop): Promise<void> {
  const { engine } = loop;
  // An out-of-spec hardness: recorded, a deviation raised, the batch held.
  await loop.runBatch('B-1', 1, 7.1);
  const deviation = (await engine.load<DeviationState>('deviation', 'B-1-D1')).state;
  expect(deviation).toMatchObject({ status: 'open', severity: 'major', stepId: 'compress', fieldId: 'hardness', raisedBy: 'olivia' });
  await loop.decideDeviation('B-1-D1', 'B-1');
  await loop.finishBatch('B-1');

  // Release: routed to QA when the batch completes; refused while the deviation is open.
  await loop.tick();
  expect(await loop.decision('release-B-1')).toMatchObject({ status: 'open', role: 'qa', conflicts: [{ personId: 'olivia', code: 'releaser_performed_step' }] });
  const inbox = await listDecisions(engine, { site: SITE, actor: await loop.as('quinn'), status: 'open' });
  expect(inbox.map((e) => e.decision.id)).toContain('release-B-1');
  const review = await loadBatchReview(engine, 'B-1');
  expect(review?.items.map((i) => i.kind)).toEqual(['exception', 'hold', 'hold', 'correction', 'deviation', 'refused_attempt']);
  expect(review?.blockers.map((b) => b.code)).toEqual(['open_deviations']);
  const openDeviation = await loop.refused(loop.sign('release-B-1', 'quinn', 'release', 'released'), 'open_deviations');
  expect(openDeviation).toMatch(/B-1-D1 \(dispositioned\)/);
  await loop.refused(
    executeDeviationCommand(engine, 'B-1-D1', { type: 'CloseDeviation', data: { summary: 'Force check added to the set-up', signature: { meaning: 'approved' } } }, { ...(await loop.as('erin')), roles: ['qa'] }),
    'self_approval',
  );
  await loop.done(await executeDeviationCommand(engine, 'B-1-D1', { type: 'CloseDeviation', data: { summary: 'Root cause: no force check at set-up; CAPA-1 opened', signature: { meaning: 'approved' } } }, await loop.as('quentin')), 'closing B-1-D1');
  await loop.done(await loop.sign('release-B-1', 'quinn', 'release', 'released'), 'releasing B-1');
  expect((await engine.load<BatchState>('batch', 'B-1')).state.release).toMatchObject({ outcome: 'released', by: 'quinn' });

  // CAPA from the deviation, with its effectiveness criterion fixed up front.
  const quinn = await loop.as('quinn');
  const erin = await loop.as('erin');
  const sam = await loop.as('sam');
  await loop.done(
    await executeCapaCommand(engine, 'CAPA-1', {
      type: 'OpenCapa',
      data: {
        capaId: 'CAPA-1',
        site: SITE,
        title: 'Low hardness after press set-up',
        problem: 'Hardness below specification in B-1 after the press was set up',
        owner: 'erin',
        deviations: ['B-1-D1'],
        effectiveness: { procedure: PROCEDURE, stepId: 'compress', fieldId: 'hardness', batches: 3 },
      },
    }, quinn),
    'opening CAPA-1',
  );
  expect((await engine.load<DeviationState>('deviation', 'B-1-D1')).state.capas).toEqual(['CAPA-1']);
  const due = new Date(loop.clock.now.getTime() + 30 * 86_400_000).toISOString();
  await loop.done(await executeCapaCommand(engine, 'CAPA-1', { type: 'AddCapaAction', data: { actionId: 'A1', title: 'Add a force check to the set-up (change CC-1)', owner: 'erin', dueAt: due, changeId: 'CC-1' } }, erin), 'action A1');
  await loop.done(await executeCapaCommand(engine, 'CAPA-1', { type: 'AddCapaAction', data: { actionId: 'A2', title: 'Train the operators on version 2', owner: 'sam', dueAt: due } }, erin), 'action A2');
  await loop.done(await executeCapaCommand(engine, 'CAPA-1', { type: 'SubmitCapa', data: {} }, erin), 'submitting CAPA-1');
  await loop.tick();
  expect(await loop.decision('capa-approval-CAPA-1-r1')).toMatchObject({ status: 'open', role: 'qa', conflicts: [{ personId: 'erin', code: 'self_approval' }] });
  await loop.done(await loop.sign('capa-approval-CAPA-1-r1', 'quinn', 'approve', 'approved'), 'approving CAPA-1');

  // Change control: version 2 drafted and proposed; two QA approvals make it effective.
  await loop.done(await executeChangeCommand(engine, 'CC-1', { type: 'RequestChange', data: { changeId: 'CC-1', site: SITE, procedure: PROCEDURE, title: 'Check the compression force at set-up', reason: 'CAPA-1: hardness low after set-up', capaId: 'CAPA-1' } }, erin), 'requesting CC-1');
  const source = await readFile(join(FIXTURES, 'tab-press-v2.yaml'), 'utf8');
  const parsed = parseProcedure(source);
  if (!parsed.ok) throw new Error('fixture v2 does not parse');
  await loop.done(await executeCommand(engine, 'procedure', PROCEDURE, { type: 'DraftVersion', data: { definition: parsed.definition, source, sourceHash: createHash('sha256').update(source).digest('hex') } }, erin), 'drafting v2');
  await loop.done(await executeChangeCommand(engine, 'CC-1', { type: 'AttachVersion', data: { version: 2 } }, erin), 'attaching v2');
  await loop.done(await executeChangeCommand(engine, 'CC-1', { type: 'AssessImpact', data: { assessment: 'One check added at set-up; operators trained before use', risk: 'low' } }, erin), 'impact');
  await loop.done(await executeChangeCommand(engine, 'CC-1', { type: 'SubmitChange', data: {} }, erin), 'submitting CC-1');
  await loop.tick();
  expect(await loop.decision('change-approval-CC-1')).toMatchObject({ status: 'open', quorum: 2, conflicts: [{ personId: 'erin', code: 'author_cannot_approve' }] });
  await loop.refused(loop.sign('change-approval-CC-1', 'erin', 'approve', 'approved'), 'role_not_permitted');
  await loop.done(await loop.sign('change-approval-CC-1', 'quinn', 'approve', 'approved'), 'first approval');
  expect((await engine.load<ProcedureState>('procedure', PROCEDURE)).state.versions.map((v) => v.status)).toEqual(['effective', 'in_review']);
  await loop.refused(loop.sign('change-approval-CC-1', 'quinn', 'approve', 'approved'), 'already_approved');
  await loop.done(await loop.sign('change-approval-CC-1', 'quentin', 'approve', 'approved'), 'second approval');
  expect((await engine.load<ProcedureState>('procedure', PROCEDURE)).state.versions.map((v) => v.status)).toEqual(['superseded', 'effective']);
  await loop.tick();
  expect((await engine.load<CapaState>('capa', 'CAPA-1')).state.actions.find((a) => a.id === 'A1')).toMatchObject({ done: true, version: 2, completedBy: 'system:quality' });

  // Version 2 starts new batches; nobody performs it before being trained on it.
  await loop.refused(loop.batch('B-X', 'sam', { type: 'CreateBatch', data: { batchId: 'B-X', site: SITE, procedure: PROCEDURE, version: 1 } }), 'version_not_effective');
  await loop.done(await loop.batch('B-2', 'sam', { type: 'CreateBatch', data: { batchId: 'B-2', site: SITE, procedure: PROCEDURE, version: 2 } }), 'creating B-2');
  await loop.refused(loop.batch('B-2', 'olivia', { type: 'StartStep', data: { stepId: 'setup' } }), 'not_trained');
  await loop.refused(loop.batch('B-2', 'uma', { type: 'StartStep', data: { stepId: 'setup' } }), 'not_trained');
  const sara = await loop.as('sara');
  for (const person of ['olivia', 'oscar', 'sam']) {
    await loop.done(await executeCommand(engine, 'person', person, { type: 'RecordTraining', data: { procedure: PROCEDURE, version: 2 } }, person === 'sam' ? sara : sam), `training ${person}`);
  }
  await loop.done(await executeCapaCommand(engine, 'CAPA-1', { type: 'CompleteCapaAction', data: { actionId: 'A2', evidence: 'Olivia, Oscar and Sam trained on TAB-PRESS v2' } }, sam), 'completing A2');
  const capa = (await engine.load<CapaState>('capa', 'CAPA-1')).state;
  expect(capa).toMatchObject({ status: 'verifying', checks: [{ round: 1, fromVersion: 2, observed: [] }] });
}

/** B-2 was created while operators were untrained; it runs now. */
async function runB2(loop: Loop, hardness: number): Promise<void> {
  const step = async (person: string, command: BatchCommand) => loop.done(await loop.batch('B-2', person, command), `${command.type} on B-2`);
  await step('oscar', { type: 'StartStep', data: { stepId: 'setup' } });
  await step('oscar', { type: 'RecordValue', data: { stepId: 'setup', fieldId: 'punch_set', value: 'PX10-P001' } });
  await step('oscar', { type: 'RecordValue', data: { stepId: 'setup', fieldId: 'force_checked', value: true } });
  await step('oscar', { type: 'CompleteStep', data: { stepId: 'setup' } });
  await step('sam', { type: 'VerifyStep', data: { stepId: 'setup', signature: { meaning: 'verified' } } });
  await step('oscar', { type: 'StartStep', data: { stepId: 'compress' } });
  await step('oscar', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: hardness } });
  await loop.finishBatch('B-2', 'oscar');
}

for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`the closed loop on ${backend}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    it('deviation → CAPA → change → version 2 → training → three clean batches → the CAPA is effective and closed', { timeout: 180_000 }, async () => {
      const loop = await openLoop(backend);
      await loopToCheck(loop);
      await runB2(loop, 10.2);
      await loop.tick();
      // A QA person who performed a step of the batch cannot release it (it is not in his inbox); another can.
      const oscarsInbox = await listDecisions(loop.engine, { site: SITE, actor: await loop.as('oscar'), status: 'open' });
      expect(oscarsInbox.map((e) => e.decision.id)).not.toContain('release-B-2');
      expect((await listDecisions(loop.engine, { site: SITE, actor: await loop.as('quinn'), status: 'open' })).map((e) => e.decision.id)).toContain('release-B-2');
      await loop.refused(loop.sign('release-B-2', 'oscar', 'release', 'released'), 'releaser_performed_step');
      await loop.done(await loop.sign('release-B-2', 'quinn', 'release', 'released'), 'releasing B-2');
      await loop.runBatch('B-3', 2, 10.4);
      await loop.runBatch('B-4', 2, 9.8);
      await loop.tick();
      expect((await loop.engine.load<CapaState>('capa', 'CAPA-1')).state).toMatchObject({ status: 'effective', checks: [{ result: 'passed' }] });
      await loop.tick();
      expect(await loop.decision('capa-effectiveness-CAPA-1-r1')).toMatchObject({ status: 'open', role: 'qa' });
      await loop.done(await loop.sign('capa-effectiveness-CAPA-1-r1', 'quinn', 'effective', 'approved'), 'confirming effectiveness');

      const closedLoop = await loop.engine.load<CapaState>('capa', 'CAPA-1');
      expect(closedLoop.state.status).toBe('closed');
      expect(await loadClosedLoop(loop.engine, 'CAPA-1')).toMatchObject({
        capa: { id: 'CAPA-1', status: 'closed', round: 1 },
        deviations: [{ id: 'B-1-D1', batchId: 'B-1', stepId: 'compress', status: 'closed', rootCauseCategory: 'method' }],
        changes: [{ id: 'CC-1', procedure: PROCEDURE, status: 'effective', version: 2, supersedes: 1, approvedBy: ['quinn', 'quentin'] }],
        checks: [{ round: 1, fromVersion: 2, result: 'passed', observed: [{ batchId: 'B-2', clean: true }, { batchId: 'B-3', clean: true }, { batchId: 'B-4', clean: true }] }],
        outcome: { batchesObserved: 3, cleanBatches: 3, recurrences: [], reopenings: 0 },
      });

      // Every record of the loop is in the verified ledger.
      await loop.world.store.checkpoint();
      const report = await verifyStore(loop.world.store.backend, { checkpointFile: join(loop.place.dir, 'checkpoints.jsonl'), keysDir: join(loop.place.dir, 'keys') });
      expect(report.problems).toEqual([]);
    });

    it('a recurrence after the change fails the effectiveness check and reopens the CAPA', { timeout: 180_000 }, async () => {
      const loop = await openLoop(backend);
      await loopToCheck(loop);
      await runB2(loop, 10.2);
      await loop.runBatch('B-3', 2, 7.4);
      await loop.decideDeviation('B-3-D1', 'B-3');
      await loop.finishBatch('B-3');
      await loop.tick();
      const capa = (await loop.engine.load<CapaState>('capa', 'CAPA-1')).state;
      expect(capa).toMatchObject({ status: 'planning', round: 2, checks: [{ round: 1, result: 'failed' }], reopenings: [{ round: 2, reason: 'recurrence in batch B-3: B-3-D1' }] });
      expect(await loadClosedLoop(loop.engine, 'CAPA-1')).toMatchObject({ outcome: { batchesObserved: 2, cleanBatches: 1, recurrences: ['B-3-D1'], reopenings: 1 } });
      // Round 2 needs a new action; then it goes back for approval.
      await loop.refused(executeCapaCommand(loop.engine, 'CAPA-1', { type: 'SubmitCapa', data: {} }, await loop.as('erin')), 'no_actions');
    });
  });
}
