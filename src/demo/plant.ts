/**
 * A plant set up through the engine, as people would set it up: staff with roles and training, cleaned and
 * calibrated equipment, received and released lots, and the example procedures made effective. Used by the
 * end-to-end tests, the benchmarks and the demo site, so all three exercise the same rules.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor } from '../domain/shared/decider.ts';
import { parseProcedure } from '../domain/procedure/parse.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import type { Engine, Outcome } from '../engine/engine.ts';
import { actorAt, executeCommand, type CommandOf } from '../engine/resource-commands.ts';
import { ESIGNATURE_TEXT_VERSION } from '../identity/esignature-text.ts';

export interface StaffMember {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export const STAFF: readonly StaffMember[] = [
  { id: 'olivia', name: 'Olivia Operator', roles: ['operator'] },
  { id: 'oscar', name: 'Oscar Operator', roles: ['operator'] },
  { id: 'sam', name: 'Sam Supervisor', roles: ['supervisor'] },
  { id: 'sara', name: 'Sara Supervisor', roles: ['supervisor'] },
  { id: 'quinn', name: 'Quinn QA', roles: ['qa'] },
  { id: 'erin', name: 'Erin Engineer', roles: ['engineer'] },
  { id: 'max', name: 'Max Maintenance', roles: ['maintenance'] },
  { id: 'uma', name: 'Uma Untrained', roles: ['operator'] },
];

/** Equipment of the PX10 line: [id, name, class]. */
export const EQUIPMENT: readonly (readonly [string, string, string])[] = [
  ['BAL-01', 'Balance BAL-01 (6 kg)', 'balance'],
  ['BAL-02', 'Floor balance BAL-02 (150 kg)', 'balance'],
  ['GRN-01', 'High-shear granulator GRN-01', 'high-shear-granulator'],
  ['FBD-01', 'Fluid-bed dryer FBD-01', 'fluid-bed-dryer'],
  ['BLD-01', 'Bin blender BLD-01', 'bin-blender'],
  ['P-01', 'Tablet press P-01', 'tablet-press'],
  ['HT-01', 'Hardness tester HT-01', 'hardness-tester'],
];

export interface PlantOptions {
  readonly site: string;
  /** Folder of the example procedures. */
  readonly proceduresDir: string;
  /** Procedure files to make effective (file names in proceduresDir). */
  readonly procedures: readonly string[];
  /** Stock per raw material lot, in kg. */
  readonly stockKg?: number;
  /** Prefix for equipment and lot ids, so several lines can share one store (benchmarks). */
  readonly prefix?: string;
}

/** Fails loudly: setting up a plant must never be refused. */
export function must(outcome: Outcome, what: string): Outcome {
  if (!outcome.ok) throw new Error(`${what} was refused: [${outcome.refusal.code}] ${outcome.refusal.message}`);
  return outcome;
}

/** The actor a person is at the site, with their current roles. */
export async function actorOf(engine: Engine, personId: string, site: string): Promise<Actor> {
  const person = await engine.load<PersonState>('person', personId);
  if (person.version === 0) throw new Error(`no person ${personId}`);
  return actorAt(person.state, site);
}

/** Registers the staff, gives them their roles and has them acknowledge their e-signature (idempotent: a second run changes nothing). */
export async function setUpStaff(engine: Engine, site: string): Promise<void> {
  const setup: Actor = { id: 'system:setup', name: 'Plant set-up', site, roles: ['admin'] };
  for (const p of STAFF) {
    const key = `setup:${site}:${p.id}`;
    must(await executeCommand(engine, 'person', p.id, { type: 'RegisterPerson', data: { personId: p.id, username: p.id, name: p.name } }, setup, { idempotencyKey: `${key}:register` }), `registering ${p.id}`);
    for (const role of p.roles) {
      must(await executeCommand(engine, 'person', p.id, { type: 'GrantRole', data: { site, role } }, setup, { idempotencyKey: `${key}:grant:${role}` }), `granting ${role} to ${p.id}`);
    }
    // The demo staff acknowledge, as themselves, that their e-signatures bind them (21 CFR 11.100(c)).
    const self = await actorOf(engine, p.id, site);
    must(
      await executeCommand(engine, 'person', p.id, { type: 'AcknowledgeESignature', data: { textVersion: ESIGNATURE_TEXT_VERSION } }, self, { idempotencyKey: `${key}:esignature` }),
      `acknowledging the e-signature of ${p.id}`,
    );
  }
}

/** Drafts, reviews, approves and makes effective a procedure file; returns its code and version. */
export async function publishProcedure(engine: Engine, site: string, file: string): Promise<{ procedure: string; version: number }> {
  const source = await readFile(file, 'utf8');
  const parsed = parseProcedure(source, file);
  if (!parsed.ok) throw new Error(`${file} does not pass the checker: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const code = parsed.definition.procedure;
  const sourceHash = createHash('sha256').update(source).digest('hex');
  const erin = await actorOf(engine, 'erin', site);
  const quinn = await actorOf(engine, 'quinn', site);
  const run = async (command: CommandOf<'procedure'>, actor: Actor, key: string) =>
    must(await executeCommand(engine, 'procedure', code, command, actor, { idempotencyKey: `publish:${code}:${sourceHash}:${key}` }), `${command.type} of ${code}`);
  const drafted = await run({ type: 'DraftVersion', data: { definition: parsed.definition, source, sourceHash } }, erin, 'draft');
  const version = drafted.ok ? drafted.version : 1;
  await run({ type: 'SubmitForReview', data: { version } }, erin, 'submit');
  await run({ type: 'ApproveVersion', data: { version } }, quinn, 'approve');
  await run({ type: 'MakeEffective', data: { version } }, quinn, 'effective');
  // Everyone but Uma is trained on the new version.
  const sam = await actorOf(engine, 'sam', site);
  const sara = await actorOf(engine, 'sara', site);
  for (const p of STAFF.filter((s) => s.id !== 'uma')) {
    const trainer = p.id === 'sam' ? sara : sam;
    must(
      await executeCommand(engine, 'person', p.id, { type: 'RecordTraining', data: { procedure: code, version } }, trainer, { idempotencyKey: `train:${code}:${version}:${p.id}` }),
      `training ${p.id}`,
    );
  }
  return { procedure: code, version };
}

/** Registers, calibrates and cleans the line's equipment. */
export async function setUpEquipment(engine: Engine, site: string, now: Date, prefix = ''): Promise<void> {
  const setup: Actor = { id: 'system:setup', name: 'Plant set-up', site, roles: ['admin'] };
  const max = await actorOf(engine, 'max', site);
  const olivia = await actorOf(engine, 'olivia', site);
  const due = new Date(now.getTime() + 180 * 86_400_000).toISOString().slice(0, 10);
  for (const [id, name, cls] of EQUIPMENT) {
    const eid = `${prefix}${id}`;
    must(await executeCommand(engine, 'equipment', eid, { type: 'RegisterEquipment', data: { equipmentId: eid, site, name: `${name}${prefix ? ` (${prefix.replace(/-$/, '')})` : ''}`, class: cls } }, setup, { idempotencyKey: `eq:${eid}:register` }), `registering ${eid}`);
    must(await executeCommand(engine, 'equipment', eid, { type: 'RecordCalibration', data: { dueDate: due } }, max, { idempotencyKey: `eq:${eid}:calibrate:${due}` }), `calibrating ${eid}`);
    must(await executeCommand(engine, 'equipment', eid, { type: 'RecordCleaning', data: { validForMs: 7 * 86_400_000 } }, olivia, { idempotencyKey: `eq:${eid}:clean:${now.toISOString()}` }), `cleaning ${eid}`);
  }
}

/** Raw materials of PX10, one released lot each: [lot id, material]. */
export const RAW_MATERIALS: readonly (readonly [string, string])[] = [
  ['API-2611', 'PX10-API'],
  ['LAC-0907', 'EXC-LAC-200'],
  ['MCC-3310', 'EXC-MCC-102'],
  ['CCS-1204', 'EXC-CCS'],
  ['MGS-0415', 'EXC-MGST'],
  ['PW-1125', 'PW-PURIFIED-WATER'],
];

/** Receives and releases one lot of each raw material. */
export async function setUpLots(engine: Engine, site: string, now: Date, stockKg: number, prefix = ''): Promise<void> {
  const olivia = await actorOf(engine, 'olivia', site);
  const quinn = await actorOf(engine, 'quinn', site);
  const expiry = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  for (const [id, material] of RAW_MATERIALS) {
    const lotId = `${prefix}${id}`;
    must(await executeCommand(engine, 'lot', lotId, { type: 'ReceiveLot', data: { lotId, site, material, quantity: stockKg, unit: 'kg', expiry } }, olivia, { idempotencyKey: `lot:${lotId}:receive` }), `receiving ${lotId}`);
    must(await executeCommand(engine, 'lot', lotId, { type: 'ReleaseLot', data: {} }, quinn, { idempotencyKey: `lot:${lotId}:release` }), `releasing ${lotId}`);
  }
}

/** The whole plant: staff, procedures, equipment and lots. */
export async function setUpPlant(engine: Engine, options: PlantOptions): Promise<{ procedures: { procedure: string; version: number }[] }> {
  const now = new Date(engine.now());
  await setUpStaff(engine, options.site);
  const procedures = [];
  for (const file of options.procedures) procedures.push(await publishProcedure(engine, options.site, join(options.proceduresDir, file)));
  await setUpEquipment(engine, options.site, now, options.prefix);
  await setUpLots(engine, options.site, now, options.stockKg ?? 500, options.prefix);
  return { procedures };
}
