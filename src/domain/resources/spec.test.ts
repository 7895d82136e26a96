/** The given / when / then helper itself: it must fail loudly when a rule is not what the test says. */
import { describe, expect, it } from 'vitest';
import { equipmentDecider } from './equipment-decider.ts';
import type { EquipmentEvent } from './equipment-events.ts';
import { canonical, replay, specFor } from './spec.ts';
import { as } from './test-fixtures.ts';

const given = specFor(equipmentDecider);
const registered: EquipmentEvent = { type: 'EquipmentRegistered', data: { equipmentId: 'P-01', site: 'S1', name: 'Press', class: 'tablet-press' } };
const markDirty = { type: 'MarkDirty', data: { reason: 'spill' } } as const;

describe('specFor', () => {
  it('passes on the expected events and returns them', () => {
    const events = given([registered]).when(markDirty, as('operator')).then([{ type: 'EquipmentMarkedDirty', data: { equipmentId: 'P-01', reason: 'spill' } }]);
    expect(events).toHaveLength(1);
  });
  it('fails on other events, with a diff', () => {
    const run = () => given([registered]).when(markDirty, as('operator')).then([{ type: 'EquipmentMarkedDirty', data: { equipmentId: 'P-01', reason: 'leak' } }]);
    expect(run).toThrow('the events differ');
  });
  it('fails when a refusal was expected but events were accepted', () => {
    expect(() => given([registered]).when(markDirty, as('operator')).then('role_not_permitted')).toThrow('expected refusal role_not_permitted, but events were accepted');
  });
  it('fails on another refusal code', () => {
    expect(() => given([registered]).when(markDirty, as('engineer')).then('equipment_in_use')).toThrow('expected refusal equipment_in_use, got role_not_permitted');
  });
  it('fails when events were expected but the command was refused', () => {
    expect(() => given([]).when(markDirty, as('operator')).then([])).toThrow('expected events, got refusal equipment_not_registered');
  });
});

describe('canonical', () => {
  it('ignores key order and undefined properties', () => {
    expect(canonical({ b: 1, a: { d: undefined, c: [2, 1] } })).toBe(canonical({ a: { c: [2, 1] }, b: 1 }));
    expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
  });
});

describe('replay', () => {
  it('applies accepted events and keeps refused commands out', () => {
    const { state, events, history } = replay(equipmentDecider, [
      { command: { type: 'RegisterEquipment', data: { equipmentId: 'P-01', site: 'S1', name: 'Press', class: 'tablet-press' } }, context: as('engineer') },
      { command: markDirty, context: as('engineer') },
      { command: markDirty, context: as('operator') },
    ]);
    expect(events.map((e) => e.type)).toEqual(['EquipmentRegistered', 'EquipmentMarkedDirty']);
    expect(history.map((h) => h.decision.ok)).toEqual([true, false, true]);
    expect(history[1]!.after).toBe(history[1]!.before);
    expect(state.status).toBe('dirty');
  });
  it('throws when decide changes the state it is given', () => {
    const mutating = {
      ...equipmentDecider,
      initialState: { ...equipmentDecider.initialState },
      decide: (s: typeof equipmentDecider.initialState) => {
        (s as { name: string }).name = 'changed';
        return { ok: false as const, refusal: { code: 'x', message: 'x', details: {} } };
      },
    };
    expect(() => replay(mutating, [{ command: markDirty, context: as('operator') }])).toThrow('decide changed the state it was given');
  });
  it('throws when folding does not rebuild the state', () => {
    let calls = 0;
    const impure = { ...equipmentDecider, evolve: (s: typeof equipmentDecider.initialState, e: EquipmentEvent) => ({ ...equipmentDecider.evolve(s, e), name: String(calls++) }) };
    const register = { type: 'RegisterEquipment', data: { equipmentId: 'P-01', site: 'S1', name: 'Press', class: 'tablet-press' } } as const;
    expect(() => replay(impure, [{ command: register, context: as('engineer') }])).toThrow('folding the accepted events does not rebuild the state');
  });
});
