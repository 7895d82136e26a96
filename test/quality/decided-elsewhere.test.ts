/**
 * Routed approvals outside the usual path. A procedure version submitted outside change control: its
 * approval is routed from the site's routing (never to be signed by its drafter), and signing it approves the
 * version and makes it effective. A subject decided without its task — a version approved directly, a batch
 * released directly — withdraws the task, which then neither waits in an inbox nor escalates.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DecisionState } from '../../src/domain/decisions/decision-state.ts';
import type { ProcedureState } from '../../src/domain/procedure/lifecycle.ts';
import { parseProcedure } from '../../src/domain/procedure/parse.ts';
import { actorOf, setUpPlant } from '../../src/demo/plant.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { executeDecisionCommand, requestProcedureApproval } from '../../src/engine/quality-decisions.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import type { BatchCommand } from '../../src/domain/execution/batch-commands.ts';
import { clockAt, newPlace, ok, openWorld, ROUTING, SITE, type World } from './quality-world.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const FIXTURES = resolve(import.meta.dirname, 'fixtures');

async function draftV2(world: World): Promise<void> {
  const source = await readFile(join(FIXTURES, 'tab-press-v2.yaml'), 'utf8');
  const parsed = parseProcedure(source);
  if (!parsed.ok) throw new Error('fixture does not parse');
  const erin = await actorOf(world.engine, 'erin', SITE);
  const hash = createHash('sha256').update(source).digest('hex');
  ok(await executeCommand(world.engine, 'procedure', 'TAB-PRESS', { type: 'DraftVersion', data: { definition: parsed.definition, source, sourceHash: hash } }, erin), 'drafting v2');
  ok(await executeCommand(world.engine, 'procedure', 'TAB-PRESS', { type: 'SubmitForReview', data: { version: 2 } }, erin), 'submitting v2');
}

describe('procedure approval as a routed decision (SQLite)', () => {
  it('is routed to QA without the drafter, and its signature makes the version effective', { timeout: 60_000 }, async () => {
    const clock = clockAt('2026-11-24T06:00:00.000Z');
    const world = await openWorld(await newPlace('sqlite', cleanups), clock);
    cleanups.push(() => world.close());
    await setUpPlant(world.engine, { site: SITE, proceduresDir: FIXTURES, procedures: ['tab-press.yaml'] });
    await draftV2(world);
    const erin = await actorOf(world.engine, 'erin', SITE);
    ok(await requestProcedureApproval(world.engine, ROUTING, 'TAB-PRESS', 2, erin), 'requesting approval');
    const decision = (await world.engine.load<DecisionState>('decision', 'procedure-approval-TAB-PRESS-r2')).state;
    expect(decision).toMatchObject({ status: 'open', role: 'qa', subject: { kind: 'procedure_approval', id: 'TAB-PRESS', version: 2 }, conflicts: [{ personId: 'erin', code: 'self_approval' }] });
    const quinn = await actorOf(world.engine, 'quinn', SITE);
    ok(await executeDecisionCommand(world.engine, decision.id, { type: 'SignDecision', data: { outcome: 'approve', signature: { meaning: 'approved' } } }, quinn), 'approving');
    expect((await world.engine.load<ProcedureState>('procedure', 'TAB-PRESS')).state.versions.map((v) => [v.version, v.status, v.approvedBy])).toEqual([
      [1, 'superseded', 'quinn'],
      [2, 'effective', 'quinn'],
    ]);
  });

  it('a version approved directly withdraws its approval task', { timeout: 60_000 }, async () => {
    const clock = clockAt('2026-11-24T06:00:00.000Z');
    const world = await openWorld(await newPlace('sqlite', cleanups), clock);
    cleanups.push(() => world.close());
    await setUpPlant(world.engine, { site: SITE, proceduresDir: FIXTURES, procedures: ['tab-press.yaml'] });
    await draftV2(world);
    const erin = await actorOf(world.engine, 'erin', SITE);
    ok(await requestProcedureApproval(world.engine, ROUTING, 'TAB-PRESS', 2, erin), 'requesting approval');
    const quinn = await actorOf(world.engine, 'quinn', SITE);
    ok(await executeCommand(world.engine, 'procedure', 'TAB-PRESS', { type: 'ApproveVersion', data: { version: 2 } }, quinn), 'approving directly');
    await world.runtime.tick();
    expect((await world.engine.load<DecisionState>('decision', 'procedure-approval-TAB-PRESS-r2')).state).toMatchObject({ status: 'withdrawn', withdrawnReason: 'TAB-PRESS version 2 was approved directly' });
  });

  it('a batch released directly withdraws its release task', { timeout: 60_000 }, async () => {
    const clock = clockAt('2026-11-24T06:00:00.000Z');
    const world = await openWorld(await newPlace('sqlite', cleanups), clock);
    cleanups.push(() => world.close());
    await setUpPlant(world.engine, { site: SITE, proceduresDir: FIXTURES, procedures: ['tab-press.yaml'] });
    const run = async (person: string, command: BatchCommand) => ok(await executeBatchCommand(world.engine, 'B-9', command, await actorOf(world.engine, person, SITE)), command.type);
    await run('sam', { type: 'CreateBatch', data: { batchId: 'B-9', site: SITE, procedure: 'TAB-PRESS', version: 1 } });
    await run('olivia', { type: 'StartStep', data: { stepId: 'setup' } });
    await run('olivia', { type: 'RecordValue', data: { stepId: 'setup', fieldId: 'punch_set', value: 'PX10-P001' } });
    await run('olivia', { type: 'CompleteStep', data: { stepId: 'setup' } });
    await run('sam', { type: 'VerifyStep', data: { stepId: 'setup', signature: { meaning: 'verified' } } });
    await run('olivia', { type: 'StartStep', data: { stepId: 'compress' } });
    await run('olivia', { type: 'RecordValue', data: { stepId: 'compress', fieldId: 'hardness', value: 10.1 } });
    await run('olivia', { type: 'CompleteStep', data: { stepId: 'compress', signature: { meaning: 'performed' } } });
    await run('sam', { type: 'CompleteBatch', data: {} });
    await world.runtime.tick();
    expect((await world.engine.load<DecisionState>('decision', 'release-B-9')).state.status).toBe('open');
    await run('quinn', { type: 'ReleaseBatch', data: { signature: { meaning: 'released' } } });
    await world.runtime.tick();
    expect((await world.engine.load<DecisionState>('decision', 'release-B-9')).state).toMatchObject({ status: 'withdrawn', withdrawnReason: 'batch B-9 was released without its release decision' });
    expect((await world.timers.list('decision-release-B-9')).map((t) => t.status)).toEqual(['cancelled']);
  });
});
