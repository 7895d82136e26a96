/**
 * Sites, people, equipment and lots over HTTP: each command as its role sends it, what each list and record
 * shows, and that a site sees only its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/shared/decider.ts';
import { must, setUpStaff } from '../../src/demo/plant.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { startServer, type Server } from './harness.ts';

const SITE = 'PLANT-A';
const OTHER = 'PLANT-B';
let server: Server;

beforeAll(async () => {
  server = await startServer({ engine: 'sqlite', site: SITE });
  await setUpStaff(server.engine, SITE);
  const setup = (site: string): Actor => ({ id: 'system:setup', name: 'Set-up', site, roles: ['admin'] });
  for (const [id, site, role] of [['ada', SITE, 'admin'], ['abe', OTHER, 'admin'], ['bo', OTHER, 'engineer'], ['bea', OTHER, 'qa']] as const) {
    must(await executeCommand(server.engine, 'person', id, { type: 'RegisterPerson', data: { personId: id, username: id, name: `Person ${id}` } }, setup(site)), id);
    must(await executeCommand(server.engine, 'person', id, { type: 'GrantRole', data: { site, role } }, setup(site)), id);
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const post = (as: string, path: string, body: unknown, site = SITE) => server.request('POST', path, { as, body, site });
const get = (as: string, path: string, site = SITE) => server.request('GET', path, { as, site });

describe('sites', () => {
  it('an admin registers a site; everyone lists and reads them; nobody else registers one', async () => {
    const created = await post('ada', '/api/sites', { siteId: 'PLANT-C', name: 'Plant C' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/sites/PLANT-C');
    expect((await get('olivia', '/api/sites')).body.items).toEqual([{ id: 'PLANT-C', name: 'Plant C', version: 1 }]);
    expect((await get('olivia', '/api/sites/PLANT-C')).headers.get('etag')).toBe('"1"');
    expect((await get('olivia', '/api/sites/NOWHERE')).status).toBe(404);
    expect((await post('sam', '/api/sites', { siteId: 'PLANT-D', name: 'D' })).status).toBe(403);
    const bad = await post('ada', '/api/sites', { siteId: 'PLANT D', name: 'D' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'invalid_value', details: { field: 'siteId' } });
    expect((await post('ada', '/api/sites', { siteId: 'PLANT-C', name: 'Again' })).body.code).toBe('already_registered');
  });
});

describe('people', () => {
  it('an admin registers a person and grants a role at their own site', async () => {
    expect((await post('ada', '/api/people', { personId: 'nia', username: 'nia', name: 'Nia New' })).status).toBe(201);
    // Before any role, the newcomer is visible at every site, so that an admin there can take them on.
    expect((await get('abe', '/api/people/nia', OTHER)).status).toBe(200);
    const taken = await post('ada', '/api/people', { personId: 'nia2', username: 'NIA', name: 'Someone else' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('username_taken');
    const granted = await post('ada', '/api/people/nia/grant-role', { role: 'operator' });
    expect(granted.status).toBe(200);
    const nia = await get('sam', '/api/people/nia');
    expect(nia.body).toMatchObject({ id: 'nia', active: true, roles: ['operator'], version: 2 });
    expect(nia.headers.get('etag')).toBe('"2"');
    expect((await get('abe', '/api/people/nia', OTHER)).status).toBe(404);
    // An admin elsewhere may still take on someone of this site, by id.
    expect((await post('abe', '/api/people/olivia/grant-role', { role: 'supervisor' }, OTHER)).status).toBe(200);
    expect((await get('abe', '/api/people/olivia', OTHER)).body.roles).toEqual(['supervisor']);
    expect((await get('sam', '/api/people/olivia')).body.roles).toEqual(['operator']);
    expect((await post('abe', '/api/people/nobody/grant-role', { role: 'supervisor' }, OTHER)).status).toBe(404);
    // Revoking acts on the roles at one's own site only.
    expect((await post('abe', '/api/people/olivia/revoke-role', { role: 'operator' }, OTHER)).body.code).toBe('role_not_held');
    expect((await post('ada', '/api/people/ada/grant-role', { role: 'engineer' })).body.code).toBe('self_role_change');
    expect((await post('ada', '/api/people/nia/grant-role', { role: 'wizard' })).body.code).toBe('invalid_value');
  });

  it('lists the people of the site only, with their roles there', async () => {
    const here = (await get('sam', '/api/people?limit=200')).body.items.map((p: { id: string }) => p.id);
    expect(here).toEqual(expect.arrayContaining(['olivia', 'sam', 'ada']));
    expect(here).not.toContain('abe');
    const there = (await get('abe', '/api/people?limit=200', OTHER)).body.items.map((p: { id: string }) => p.id);
    expect(there).toEqual(expect.arrayContaining(['abe', 'bo', 'bea']));
    expect(there).not.toContain('sam');
    const first = await get('sam', '/api/people?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await get('sam', `/api/people?limit=2&after=${first.body.next}`);
    expect(second.body.items[0].id > first.body.items[1].id).toBe(true);
  });

  it('supervisors record training (never their own); admins deactivate', async () => {
    expect((await post('sam', '/api/people/nia/training', { procedure: 'PX10-COMPRESSION', version: 1 })).status).toBe(200);
    expect((await get('sam', '/api/people/nia')).body.training).toMatchObject([{ procedure: 'PX10-COMPRESSION', version: 1, trainedBy: 'sam' }]);
    expect((await post('sam', '/api/people/sam/training', { procedure: 'PX10-COMPRESSION', version: 1 })).body.code).toBe('self_training_record');
    expect((await post('ada', '/api/people/nia/deactivate', { reason: 'left the company' })).status).toBe(200);
    expect((await get('sam', '/api/people/nia')).body.active).toBe(false);
    // A deactivated person can no longer act.
    expect((await get('nia', '/api/equipment')).status).toBe(401);
  });
});

describe('equipment', () => {
  it('is registered at the site of whoever registers it, and shows its readiness and logbook', async () => {
    const created = await post('bo', '/api/equipment', { equipmentId: 'PB-01', name: 'Press PB-01', class: 'tablet-press' }, OTHER);
    expect(created.status).toBe(201);
    expect((await get('max', '/api/equipment/PB-01')).status).toBe(404);
    expect((await post('olivia', '/api/equipment/PB-01/clean', { validForMs: 3_600_000 })).status).toBe(404);

    expect((await post('erin', '/api/equipment', { equipmentId: 'P-09', name: 'Press P-09', class: 'tablet-press' })).status).toBe(201);
    let press = await get('olivia', '/api/equipment/P-09');
    expect(press.body).toMatchObject({ site: SITE, status: 'available', readiness: { ready: false, reasons: ['calibration_due', 'dirty'] } });
    expect(press.body.readiness.message).toMatch(/no calibration record/);
    expect((await post('max', '/api/equipment/P-09/calibrate', { dueDate: '2027-06-30' })).status).toBe(200);
    expect((await post('olivia', '/api/equipment/P-09/clean', { validForMs: 3_600_000 })).status).toBe(200);
    press = await get('olivia', '/api/equipment/P-09');
    expect(press.body.readiness).toEqual({ ready: true, reasons: [] });
    expect(press.body.logbook.items.map((e: { entry: string }) => e.entry)).toEqual([
      expect.stringMatching(/^Cleaned; clean until/),
      'Calibrated; next calibration due 2027-06-30',
      expect.stringMatching(/^Registered Press P-09/),
    ]);
    expect((await get('olivia', '/api/equipment/P-09?require=calibrated')).body.readiness.ready).toBe(true);

    expect((await post('max', '/api/equipment/P-09/take-out-of-service', { reason: 'cracked turret' })).status).toBe(200);
    expect((await post('max', '/api/equipment/P-09/start-maintenance', { reason: 'new turret' })).status).toBe(200);
    expect((await post('max', '/api/equipment/P-09/complete-maintenance', {})).status).toBe(200);
    expect((await post('max', '/api/equipment/P-09/return-to-service', {})).status).toBe(200);
    expect((await post('olivia', '/api/equipment/P-09/mark-dirty', { reason: 'spill' })).status).toBe(200);
    const dirty = await post('olivia', '/api/equipment/P-09/mark-dirty', { reason: '' });
    expect(dirty.body).toMatchObject({ code: 'invalid_value', detail: 'The reason is missing' });
    const page1 = await get('olivia', '/api/equipment/P-09/logbook?limit=3');
    expect(page1.body.items.map((e: { type: string }) => e.type)).toEqual(['EquipmentMarkedDirty', 'EquipmentReturnedToService', 'EquipmentMaintenanceCompleted']);
    const page2 = await get('olivia', `/api/equipment/P-09/logbook?limit=10&before=${page1.body.next}`);
    expect(page2.body.items.map((e: { position: number }) => e.position)).toEqual([5, 4, 3, 2, 1]);
    expect(page2.body.next).toBeUndefined();
    const listed = (await get('olivia', '/api/equipment')).body.items.map((e: { id: string }) => e.id);
    expect(listed).toEqual(['P-09']);
  });
});

describe('lots', () => {
  it('are received into quarantine, released or rejected by QA, and corrected after a count', async () => {
    const received = await post('olivia', '/api/lots', { lotId: 'LAC-1', material: 'EXC-LAC-200', quantity: 100, unit: 'kg', expiry: '2027-12-31' });
    expect(received.status).toBe(201);
    expect((await get('olivia', '/api/lots/LAC-1')).body).toMatchObject({ status: 'quarantine', onHand: 100, site: SITE, consumptions: [] });
    expect((await post('quinn', '/api/lots/LAC-1/release', {})).status).toBe(200);
    expect((await post('sam', '/api/lots/LAC-1/adjust', { quantity: 98.5, reason: 'cycle count' })).status).toBe(200);
    expect((await get('olivia', '/api/lots/LAC-1')).body).toMatchObject({ status: 'released', onHand: 98.5 });
    expect((await post('quinn', '/api/lots/LAC-1/reject', { reason: 'supplier recall' })).status).toBe(200);
    expect((await get('olivia', '/api/lots/LAC-1')).body).toMatchObject({ status: 'rejected', rejectionReason: 'supplier recall' });
    expect((await post('quinn', '/api/lots/LAC-1/release', {})).body.code).toBe('lot_not_in_quarantine');
    expect((await get('bea', '/api/lots/LAC-1', OTHER)).status).toBe(404);
    expect((await get('bea', '/api/lots', OTHER)).body.items).toEqual([]);
    expect((await get('olivia', '/api/lots')).body.items.map((l: { id: string }) => l.id)).toEqual(['LAC-1']);
  });
});
