/** Sites, given / when / then: every accepted command and every refusal code. */
import { describe, expect, it } from 'vitest';
import { siteDecider } from './site-decide.ts';
import type { SiteEvent } from './site-events.ts';
import { specFor } from './spec.ts';
import { as } from './test-fixtures.ts';

const given = specFor(siteDecider);
const registered: SiteEvent = { type: 'SiteRegistered', data: { siteId: 'PLANT-B', name: 'Plant B', registeredBy: 'u-admin' } };
const register = (siteId: string, name = 'Plant B') => ({ type: 'RegisterSite' as const, data: { siteId, name } });

describe('sites', () => {
  it('an admin registers a site', () => {
    given([]).when(register('PLANT-B', '  Plant B '), as('admin')).then([registered]);
  });
  it.each(['operator', 'supervisor', 'qa', 'qa-lead', 'engineer', 'maintenance', 'leader'])('a person with the %s role cannot register a site', (role) => {
    expect(given([]).when(register('PLANT-B'), as(role)).then('role_not_permitted').message).toMatch(/admin role/);
  });
  it.each(['', ' ', 'PLANT B', '-PLANT', 'a/b', 'x'.repeat(65)])('refuses the site id %j', (siteId) => {
    expect(given([]).when(register(siteId), as('admin')).then('invalid_value').details).toMatchObject({ field: 'siteId' });
  });
  it('refuses a site without a name', () => {
    expect(given([]).when(register('PLANT-B', ' '), as('admin')).then('invalid_value').details).toMatchObject({ field: 'name' });
  });
  it('refuses registering a site twice', () => {
    expect(given([registered]).when(register('PLANT-B'), as('admin')).then('already_registered').message).toBe('Site PLANT-B (Plant B) is already registered');
  });
  it('evolves to a registered site', () => {
    expect(given([registered]).when(register('PLANT-B'), as('admin')).state).toEqual({ registered: true, id: 'PLANT-B', name: 'Plant B' });
  });
});
