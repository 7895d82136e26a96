/**
 * A procedure version submitted outside change control: its approval is routed from the site's routing
 * (never to be signed by its drafter), and signing it approves the version and makes it effective; a version
 * approved directly, without its task, withdraws the task.
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
});
