/** The authority check and its sentence. */
import { describe, expect, it } from 'vitest';
import { ROLES, isRole, roleCheck, siteCheck } from './roles.ts';

describe('roleCheck', () => {
  it('passes when one allowed role is held', () => {
    expect(roleCheck(['operator', 'qa'], ['maintenance', 'qa'], 'Recording a calibration')).toBeUndefined();
  });
  it('names the roles needed and held', () => {
    expect(roleCheck(['operator'], ['maintenance', 'qa'], 'Recording a calibration')).toEqual({
      code: 'role_not_permitted',
      message: 'Recording a calibration needs the maintenance or qa role; you hold operator',
      details: { action: 'Recording a calibration', allowed: ['maintenance', 'qa'], held: ['operator'] },
    });
  });
  it('reads well with three roles and none held', () => {
    expect(roleCheck([], ['supervisor', 'qa', 'maintenance'], 'Taking equipment out of service')?.message).toBe(
      'Taking equipment out of service needs the supervisor, qa or maintenance role; you hold no role here',
    );
    expect(roleCheck(['operator', 'leader'], ['admin'], 'Registering a person')?.message).toBe('Registering a person needs the admin role; you hold operator and leader');
  });
});

describe('siteCheck', () => {
  it('refuses another site', () => {
    expect(siteCheck('S2', 'S1', 'Press P-01')?.message).toBe('Press P-01 belongs to site S1; you are signed in at site S2');
    expect(siteCheck('S1', 'S1', 'Press P-01')).toBeUndefined();
  });
});

describe('ROLES', () => {
  it('are the eight roles of OpenBES', () => {
    expect(ROLES).toEqual(['operator', 'supervisor', 'qa', 'qa-lead', 'engineer', 'maintenance', 'leader', 'admin']);
    expect(isRole('qa-lead')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});
