/**
 * Test fixtures: the people, equipment and lots a PX10-COMPRESSION batch meets at site S1, each built by
 * folding the events its own decider accepted (so every state is one the system can really reach).
 */
import type { Actor, Decider, DecisionContext, DomainEvent } from '../shared/decider.ts';
import type { EquipmentCommand } from '../resources/equipment-commands.ts';
import { equipmentDecider } from '../resources/equipment-decider.ts';
import type { EquipmentState } from '../resources/equipment-state.ts';
import type { LotCommand } from '../resources/lot-commands.ts';
import { lotDecider } from '../resources/lot-decider.ts';
import type { LotState } from '../resources/lot-state.ts';
import type { PersonCommand } from '../resources/person-commands.ts';
import { personDecider } from '../resources/person-decider.ts';
import type { PersonState } from '../resources/person-state.ts';
import type { Versioned } from './batch-context.ts';
import { PROCEDURE, VERSION } from './test-procedure.ts';

/** The tests' "now": 24 November 2026, 08:00 UTC. */
export const NOW = '2026-11-24T08:00:00.000Z';
export const SITE = 'S1';
export const HOUR = 3_600_000;

const admin = (site = SITE): DecisionContext => ({ now: '2026-11-01T08:00:00.000Z', actor: { id: 'u-admin', name: 'Ada Admin', site, roles: ['admin'] } });
const as = (role: string, now: string, site = SITE): DecisionContext => ({ now, actor: { id: `u-${role}-fixture`, name: `Fixture ${role}`, site, roles: [role] } });

/** Runs commands through a decider from its initial state; a refusal is a broken fixture. */
function build<S, C, E extends DomainEvent>(decider: Decider<S, C, E>, what: string, steps: readonly [C, DecisionContext][]): Versioned<S> {
  let state = decider.initialState;
  let version = 0;
  for (const [command, context] of steps) {
    const decision = decider.decide(state, command, context);
    if (!decision.ok) throw new Error(`fixture ${what}: ${decision.refusal.code}: ${decision.refusal.message}`);
    state = decision.events.reduce(decider.evolve, state);
    version += decision.events.length;
  }
  return { state, version };
}

// People ----------------------------------------------------------------------------------------------

function person(id: string, name: string, grants: readonly [string, string][], trainedOn: readonly number[], deactivate = false, acknowledge = true): PersonState {
  const trainer = as('qa', '2026-11-02T08:00:00.000Z');
  // Made by the person themselves, signed in at their first site (21 CFR 11.100(c)).
  const self: DecisionContext = { now: '2026-11-02T09:00:00.000Z', actor: { id, name, site: grants[0]?.[0] ?? SITE, roles: [] } };
  const commands: [PersonCommand, DecisionContext][] = [
    [{ type: 'RegisterPerson', data: { personId: id, username: id, name } }, admin()],
    ...grants.map(([site, role]): [PersonCommand, DecisionContext] => [{ type: 'GrantRole', data: { site, role } }, admin(site)]),
    ...trainedOn.map((version): [PersonCommand, DecisionContext] => [{ type: 'RecordTraining', data: { procedure: PROCEDURE, version } }, trainer]),
    ...(acknowledge ? [[{ type: 'AcknowledgeESignature', data: { textVersion: '1' } }, self] as [PersonCommand, DecisionContext]] : []),
    ...(deactivate ? [[{ type: 'DeactivatePerson', data: { reason: 'left the company' } }, admin()] as [PersonCommand, DecisionContext]] : []),
  ];
  return build(personDecider, id, commands).state;
}

export const people = {
  /** Trained on the effective version. */
  operator: person('u-olivia', 'Olivia Operator', [[SITE, 'operator']], [VERSION]),
  operator2: person('u-oscar', 'Oscar Operator', [[SITE, 'operator']], [VERSION]),
  supervisor: person('u-sam', 'Sam Supervisor', [[SITE, 'supervisor']], [VERSION]),
  supervisor2: person('u-sue', 'Sue Supervisor', [[SITE, 'supervisor']], [VERSION]),
  /** A lead operator: operator and supervisor at S1, so able to verify — but never their own work. */
  lead: person('u-lena', 'Lena Lead', [[SITE, 'operator'], [SITE, 'supervisor']], [VERSION]),
  qa: person('u-quinn', 'Quinn QA', [[SITE, 'qa']], [VERSION]),
  untrained: person('u-nina', 'Nina New', [[SITE, 'operator']], []),
  /** Trained on version 1 only: the procedure changed since. */
  oldTraining: person('u-otto', 'Otto Old', [[SITE, 'operator']], [VERSION - 1]),
  /** An operator of site S2. */
  otherSite: person('u-sven', 'Sven Site-Two', [['S2', 'operator']], [VERSION]),
  /** Deactivated after training. */
  inactive: person('u-ivan', 'Ivan Inactive', [[SITE, 'operator']], [VERSION], true),
  /** An engineer: no GMP role at the site. */
  engineer: person('u-emma', 'Emma Engineer', [[SITE, 'engineer']], [VERSION]),
  /** A trained supervisor who has not acknowledged that their e-signature binds them. */
  unacknowledged: person('u-uri', 'Uri Unsigned', [[SITE, 'supervisor']], [VERSION], false, false),
} as const;

export type PersonKey = keyof typeof people;

/** The actor as the server establishes it: roles at the site where the person signs in. */
export function actorOf(p: PersonState, site = SITE): Actor {
  return { id: p.id, name: p.name, site, roles: [...(p.roles[site] ?? [])] };
}

// Equipment -------------------------------------------------------------------------------------------

type Eq = [EquipmentCommand, DecisionContext];
const register = (equipmentId: string, name: string, cls: string, calibrationDue?: string, site = SITE): Eq => [
  { type: 'RegisterEquipment', data: { equipmentId, site, name, class: cls, ...(calibrationDue ? { calibrationDue } : {}) } },
  as('engineer', '2026-11-01T09:00:00.000Z', site),
];
const clean = (at: string, validForMs = 48 * HOUR, site = SITE): Eq => [{ type: 'RecordCleaning', data: { validForMs } }, as('operator', at, site)];

export const equipment: Readonly<Record<string, Versioned<EquipmentState>>> = {
  /** Clean until 26 Nov 06:00, calibrated until mid 2027: ready. */
  'P-01': build(equipmentDecider, 'P-01', [register('P-01', 'Press P-01', 'tablet-press', '2027-06-30'), clean('2026-11-24T06:00:00.000Z')]),
  /** Ready too (a second press for parallel tests). */
  'P-08': build(equipmentDecider, 'P-08', [register('P-08', 'Press P-08', 'tablet-press', '2027-06-30'), clean('2026-11-24T06:00:00.000Z')]),
  'P-02': build(equipmentDecider, 'P-02', [
    register('P-02', 'Press P-02', 'tablet-press', '2027-06-30'),
    clean('2026-11-23T06:00:00.000Z'),
    [{ type: 'MarkDirty', data: { reason: 'powder spill' } }, as('operator', '2026-11-23T12:00:00.000Z')],
  ]),
  /** Calibration due 1 Nov 2026: expired. */
  'P-03': build(equipmentDecider, 'P-03', [register('P-03', 'Press P-03', 'tablet-press', '2026-11-01'), clean('2026-11-24T06:00:00.000Z')]),
  /** Cleaned on 20 Nov for 24 h: the clean hold time ran out on 21 Nov 08:00. */
  'P-04': build(equipmentDecider, 'P-04', [register('P-04', 'Press P-04', 'tablet-press', '2027-06-30'), clean('2026-11-20T08:00:00.000Z', 24 * HOUR)]),
  'P-05': build(equipmentDecider, 'P-05', [
    register('P-05', 'Press P-05', 'tablet-press', '2027-06-30'),
    [{ type: 'TakeOutOfService', data: { reason: 'cracked die' } }, as('supervisor', '2026-11-10T08:00:00.000Z')],
  ]),
  /** In use by step compress of batch B-OTHER. */
  'P-06': build(equipmentDecider, 'P-06', [
    register('P-06', 'Press P-06', 'tablet-press', '2027-06-30'),
    clean('2026-11-24T05:00:00.000Z'),
    [{ type: 'AllocateEquipment', data: { batchId: 'B-OTHER', stepId: 'compress', require: ['clean', 'calibrated'] } }, as('operator', '2026-11-24T06:00:00.000Z')],
  ]),
  'P-07': build(equipmentDecider, 'P-07', [
    register('P-07', 'Press P-07', 'tablet-press', '2027-06-30'),
    [{ type: 'StartMaintenance', data: { reason: 'bearing noise' } }, as('maintenance', '2026-11-20T08:00:00.000Z')],
  ]),
  /** A ready press of site S2. */
  'P-S2': build(equipmentDecider, 'P-S2', [register('P-S2', 'Press P-S2', 'tablet-press', '2027-06-30', 'S2'), clean('2026-11-24T06:00:00.000Z', 48 * HOUR, 'S2')]),
  'BAL-01': build(equipmentDecider, 'BAL-01', [register('BAL-01', 'Balance BAL-01', 'balance', '2027-06-30')]),
  /** Calibration due 31 Oct 2026: expired. */
  'BAL-02': build(equipmentDecider, 'BAL-02', [register('BAL-02', 'Balance BAL-02', 'balance', '2026-10-31')]),
  /** Clean and calibrated, but a mixer. */
  'MIX-01': build(equipmentDecider, 'MIX-01', [register('MIX-01', 'Mixer MIX-01', 'mixer', '2027-06-30'), clean('2026-11-24T06:00:00.000Z')]),
};

// Lots ------------------------------------------------------------------------------------------------

type Lt = [LotCommand, DecisionContext];
const receive = (lotId: string, quantity: number, options: { material?: string; unit?: string; expiry?: string; at?: string; site?: string } = {}): Lt => [
  {
    type: 'ReceiveLot',
    data: { lotId, site: options.site ?? SITE, material: options.material ?? 'PX10-GRAN', quantity, unit: options.unit ?? 'kg', expiry: options.expiry ?? '2027-06-30' },
  },
  as('operator', options.at ?? '2026-11-02T08:00:00.000Z', options.site),
];
const release = (at = '2026-11-03T08:00:00.000Z', site = SITE): Lt => [{ type: 'ReleaseLot', data: {} }, as('qa', at, site)];

export const lots: Readonly<Record<string, Versioned<LotState>>> = {
  'L-REL': build(lotDecider, 'L-REL', [receive('L-REL', 100), release()]),
  'L-REL2': build(lotDecider, 'L-REL2', [receive('L-REL2', 50), release()]),
  /** 25,000 g: counted in grams. */
  'L-GRAMS': build(lotDecider, 'L-GRAMS', [receive('L-GRAMS', 25_000, { unit: 'g' }), release()]),
  'L-QUA': build(lotDecider, 'L-QUA', [receive('L-QUA', 100)]),
  'L-REJ': build(lotDecider, 'L-REJ', [receive('L-REJ', 100), release(), [{ type: 'RejectLot', data: { reason: 'assay out of spec' } }, as('qa', '2026-11-05T08:00:00.000Z')]]),
  /** Expired on 1 Nov 2026 (released before that). */
  'L-EXP': build(lotDecider, 'L-EXP', [receive('L-EXP', 100, { expiry: '2026-11-01', at: '2026-10-01T08:00:00.000Z' }), release('2026-10-02T08:00:00.000Z')]),
  /** 30 kg received, 25 kg taken by batch B-OTHER: 5 kg left. */
  'L-LOW': build(lotDecider, 'L-LOW', [
    receive('L-LOW', 30),
    release(),
    [{ type: 'ConsumeLot', data: { batchId: 'B-OTHER', stepId: 'charge', quantity: 25, unit: 'kg', require: ['released', 'in-date'] } }, as('operator', '2026-11-20T08:00:00.000Z')],
  ]),
  /** Released granulate held at site S2. */
  'L-S2': build(lotDecider, 'L-S2', [receive('L-S2', 100, { site: 'S2' }), release(undefined, 'S2')]),
  /** Granulate of another product. */
  'L-WRONG': build(lotDecider, 'L-WRONG', [receive('L-WRONG', 100, { material: 'PX20-GRAN' }), release()]),
};
