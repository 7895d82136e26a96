/**
 * The operator's input flags a value against the limits of the procedure definition as it is typed
 * (web/src/operator/flag-value.ts). The server decides; this pins that what the screen says agrees with the
 * limits it shows.
 */
import { describe, expect, it } from 'vitest';
import { flagValue } from '../../web/src/operator/flag-value.ts';
import type { FieldDefinition } from '../../web/src/api/types.ts';

const hardness: FieldDefinition = { id: 'hardness', label: 'Hardness', type: 'number', required: true, unit: 'kP', samples: 3, limits: { spec: { min: 8, max: 12 }, alert: { min: 9, max: 11 } } };
const pressure: FieldDefinition = { id: 'booth_pressure', label: 'Pressure', type: 'number', required: true, unit: 'Pa', samples: 1, limits: { spec: { min: 10 }, alert: { min: 12 } } };

describe('flagValue', () => {
  it('says in spec, alert or out of spec for a single value, with open-ended limits', () => {
    expect(flagValue(pressure, '15').kind).toBe('in_spec');
    expect(flagValue(pressure, '11').kind).toBe('alert');
    const low = flagValue(pressure, '9,5');
    expect(low).toMatchObject({ kind: 'out_of_spec', value: 9.5 });
    expect(low.kind === 'out_of_spec' && low.message).toMatch(/≥ 10 Pa/);
  });

  it('checks every sample and asks for the right number of them', () => {
    expect(flagValue(hardness, '10 10.2 9.8')).toMatchObject({ kind: 'in_spec', value: [10, 10.2, 9.8] });
    expect(flagValue(hardness, '10 10.2 8.5').kind).toBe('alert');
    expect(flagValue(hardness, '10 7.1 10').kind).toBe('out_of_spec');
    expect(flagValue(hardness, '10 10').kind).toBe('invalid');
    expect(flagValue(hardness, '10 x 10').kind).toBe('invalid');
    expect(flagValue(hardness, '  ').kind).toBe('empty');
  });

  it('flags the unexpected answer of a check and a text that misses its pattern', () => {
    const check: FieldDefinition = { id: 'clear', label: 'Clear', type: 'check', required: true, expect: true };
    expect(flagValue(check, 'true').kind).toBe('in_spec');
    expect(flagValue(check, 'false').kind).toBe('out_of_spec');
    const punch: FieldDefinition = { id: 'punch', label: 'Punch set', type: 'text', required: true, pattern: 'PX10-P[0-9]{3}', maxLength: 12 };
    expect(flagValue(punch, 'PX10-P001').kind).toBe('unchecked');
    expect(flagValue(punch, 'P 12').kind).toBe('invalid');
  });

  it('leaves a value without limits unjudged', () => {
    const count: FieldDefinition = { id: 'good', label: 'Good tablets', type: 'number', required: true, unit: 'tablets', samples: 1 };
    expect(flagValue(count, '146000')).toMatchObject({ kind: 'unchecked', value: 146000 });
  });
});
