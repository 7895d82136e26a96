/**
 * The demo site a newcomer sees on first start: a tablet plant with two PX10 lines, its staff in every role,
 * the example procedures effective, three weeks of completed batches (with the mistakes the engine refused
 * and out-of-spec hardness checks that raised deviations), a batch in progress now, and the things a real
 * plant always has: a hardness tester past its calibration date, a blender left dirty, an expired lot and
 * a lot waiting in quarantine. Everything is written through the engine, so the demo obeys every rule.
 */
import type { Actor } from '../domain/shared/decider.ts';
import type { Engine } from '../engine/engine.ts';
import { executeCommand } from '../engine/resource-commands.ts';
import { EQUIPMENT, actorOf, must, publishProcedure, setUpEquipment, setUpLots, setUpStaff } from './plant.ts';
import { MISTAKES, PEOPLE, px10Sequence, type Mistake } from './px10-script.ts';
import { pickSome, seededRandom } from './random.ts';
import { runScript } from './run-script.ts';
import type { SimClock } from './sim-clock.ts';
import type { QualityRuntime } from '../engine/quality-runtime.ts';
import { decideDeviation } from './deviation-decisions.ts';
import { join } from 'node:path';

export const DEMO_SITE = 'PLANT-A';
export const DEMO_LINES = ['L1-', 'L2-'] as const;
const DAY = 86_400_000;

/** People the demo adds to the shared staff: a leader, a QA lead and an IT admin (no GMP role). */
export const DEMO_EXTRA_STAFF: readonly { id: string; name: string; roles: readonly string[] }[] = [
  { id: 'lena', name: 'Lena Leader', roles: ['leader'] },
  { id: 'quentin', name: 'Quentin QA Lead', roles: ['qa-lead', 'qa'] },
  { id: 'ada', name: 'Ada Admin', roles: ['admin'] },
];

export interface SeedOptions {
  readonly engine: Engine;
  readonly clock: SimClock;
  /** Routes the deviations' decisions (its scheduler must run on `clock`). */
  readonly quality: QualityRuntime;
  readonly proceduresDir: string;
  /** Days of history (default 20). */
  readonly days?: number;
}

export interface DemoSummary {
  readonly site: string;
  readonly completedBatches: number;
  readonly deviations: number;
  readonly refusedAttempts: number;
  /** The batch running now, stopped where a supervisor's verification is due. */
  readonly inProgress: string;
}

const setupActor = (site: string): Actor => ({ id: 'system:setup', name: 'Plant set-up', site, roles: ['admin'] });
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

async function addExtraStaff(engine: Engine, site: string): Promise<void> {
  for (const p of DEMO_EXTRA_STAFF) {
    must(await executeCommand(engine, 'person', p.id, { type: 'RegisterPerson', data: { personId: p.id, username: p.id, name: p.name } }, setupActor(site), { idempotencyKey: `demo:${p.id}:register` }), `registering ${p.id}`);
    for (const role of p.roles) {
      must(await executeCommand(engine, 'person', p.id, { type: 'GrantRole', data: { site, role } }, setupActor(site), { idempotencyKey: `demo:${p.id}:grant:${role}` }), `granting ${role} to ${p.id}`);
    }
  }
}

/** Cleans a line's equipment after a batch (as the operator does), except what the demo leaves dirty. */
export async function cleanLine(engine: Engine, site: string, prefix: string, tag: string, except: readonly string[] = []): Promise<void> {
  const olivia = await actorOf(engine, 'olivia', site);
  for (const [id] of EQUIPMENT) {
    const eid = `${prefix}${id}`;
    if (except.includes(eid)) continue;
    must(await executeCommand(engine, 'equipment', eid, { type: 'RecordCleaning', data: { validForMs: 7 * DAY } }, olivia, { idempotencyKey: `demo:clean:${eid}:${tag}` }), `cleaning ${eid}`);
  }
}

async function actorsOf(engine: Engine, site: string): Promise<Record<string, Actor>> {
  return Object.fromEntries(await Promise.all(PEOPLE.map(async (p) => [p, await actorOf(engine, p, site)] as const)));
}

/** Writes the demo site. Call it on an empty store only; the clock is left on real time afterwards. */
export async function seedDemoSite(options: SeedOptions): Promise<DemoSummary> {
  const { engine, clock } = options;
  const site = DEMO_SITE;
  const days = options.days ?? 20;
  const real = new Date();
  const start = new Date(Date.UTC(real.getUTCFullYear(), real.getUTCMonth(), real.getUTCDate() - days - 1, 5, 0));
  const random = seededRandom(20261125);
  try {
    clock.set(start);
    await setUpStaff(engine, site);
    await addExtraStaff(engine, site);
    const versions: Record<string, number> = {};
    for (const file of ['px10-compression.yaml', 'dhr-infusion-pump-assembly.yaml', 'cleaning-tablet-press.yaml']) {
      const published = await publishProcedure(engine, site, join(options.proceduresDir, file));
      versions[published.procedure] = published.version;
    }
    for (const line of DEMO_LINES) {
      await setUpEquipment(engine, site, start, line);
      await setUpLots(engine, site, start, 500, line);
    }
    const px10 = versions['PX10-COMPRESSION'];
    if (px10 === undefined) throw new Error('the PX10 example was not published');

    // What a real plant always has somewhere: a calibration running out, a lot that will expire.
    const max = await actorOf(engine, 'max', site);
    const quinn = await actorOf(engine, 'quinn', site);
    const olivia = await actorOf(engine, 'olivia', site);
    const calibrationDue = isoDay(new Date(real.getTime() - 2 * DAY));
    must(await executeCommand(engine, 'equipment', 'L2-HT-01', { type: 'RecordCalibration', data: { dueDate: calibrationDue } }, max, { idempotencyKey: 'demo:L2-HT-01:calibration' }), 'calibrating L2-HT-01');
    const expiring = isoDay(new Date(real.getTime() - 4 * DAY));
    must(await executeCommand(engine, 'lot', 'LAC-0815', { type: 'ReceiveLot', data: { lotId: 'LAC-0815', site, material: 'EXC-LAC-200', quantity: 200, unit: 'kg', expiry: expiring } }, olivia, { idempotencyKey: 'demo:LAC-0815:receive' }), 'receiving LAC-0815');
    must(await executeCommand(engine, 'lot', 'LAC-0815', { type: 'ReleaseLot', data: {} }, quinn, { idempotencyKey: 'demo:LAC-0815:release' }), 'releasing LAC-0815');

    // History: one batch a day, lines taking turns; line 2 stops when its tester's calibration runs out.
    const actors = await actorsOf(engine, site);
    let completed = 0;
    let deviations = 0;
    let refusedAttempts = 0;
    let lastL2 = '';
    for (let day = 0; day < days; day++) {
      const line = day % 2 === 0 || day >= days - 4 ? DEMO_LINES[0] : DEMO_LINES[1];
      clock.set(new Date(start.getTime() + day * DAY + 60 * 60_000));
      const batchId = `PX10-${isoDay(clock.now()).replaceAll('-', '').slice(2)}-${line === DEMO_LINES[0] ? 1 : 2}`;
      const outOfSpec = day % 5 === 3;
      const mistakes: Mistake[] = pickSome(random, MISTAKES, 0.25);
      const items = px10Sequence({ batchId, site, version: px10, prefix: line, expiry: isoDay(new Date(clock.now().getTime() + 30 * DAY)), outOfSpec, mistakes, ipcRounds: 8, hardness: 9.4 + Math.round(random() * 12) / 10 });
      const run = await runScript({ engine, batchId, items, actors, pass: (minutes) => clock.advance(minutes), decideDeviation: (id) => decideDeviation(engine, options.quality, id, actors) });
      completed++;
      refusedAttempts += run.refused;
      if (outOfSpec) deviations++;
      clock.advance(30);
      if (line === DEMO_LINES[1]) lastL2 = batchId;
      await cleanLine(engine, site, line, batchId, line === DEMO_LINES[1] && day >= days - 6 ? ['L2-BLD-01'] : []);
    }
    if (lastL2 === '') throw new Error('the demo history has no batch on line 2');

    // Today: a lot arrives and waits for QA, and a batch is under way on line 1, waiting for verification.
    clock.set(new Date(real.getTime() - 3 * 60 * 60_000));
    must(await executeCommand(engine, 'lot', 'API-2711', { type: 'ReceiveLot', data: { lotId: 'API-2711', site, material: 'PX10-API', quantity: 250, unit: 'kg', expiry: isoDay(new Date(real.getTime() + 700 * DAY)) } }, olivia, { idempotencyKey: 'demo:API-2711:receive' }), 'receiving API-2711');
    const inProgress = `PX10-${isoDay(real).replaceAll('-', '').slice(2)}-1`;
    const today = px10Sequence({ batchId: inProgress, site, version: px10, prefix: DEMO_LINES[0], expiry: isoDay(new Date(real.getTime() + 30 * DAY)) });
    const verifyAt = today.findIndex((item) => item.command.type === 'VerifyStep' && item.expect === 'ok');
    const run = await runScript({ engine, batchId: inProgress, items: today.slice(0, verifyAt), actors, pass: (minutes) => clock.advance(minutes) });
    refusedAttempts += run.refused;
    return { site, completedBatches: completed, deviations, refusedAttempts, inProgress };
  } finally {
    clock.set(undefined);
  }
}
