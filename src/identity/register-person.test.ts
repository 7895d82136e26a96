/** Usernames are never reused: not in another case, not after deactivation, not when registered around us. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../domain/shared/decider.ts';
import { createEngine } from '../engine/engine.ts';
import { executeCommand } from '../engine/resource-commands.ts';
import { createIdentity, type Identity } from './identity.ts';
import { registerPerson } from './register-person.ts';
import { openTestDatabases, type TestDatabases } from './store/contract/test-databases.ts';

const ADMIN: Actor = { id: 'u-admin', name: 'Ada Admin', site: 'S1', roles: ['admin'] };
let dbs: TestDatabases | undefined;
afterEach(async () => {
  await dbs?.dispose();
  dbs = undefined;
});

async function setUp(): Promise<Identity> {
  dbs = await openTestDatabases('sqlite');
  return createIdentity({ store: dbs.identity, engine: createEngine({ store: dbs.events }) });
}

describe('registering people', () => {
  it('claims the username; another person cannot have it in any case, even after the first is deactivated', async () => {
    const identity = await setUp();
    expect((await registerPerson(identity, { personId: 'u-x', username: 'Xavier', name: 'Xavier One' }, ADMIN)).ok).toBe(true);
    expect((await executeCommand(identity.engine, 'person', 'u-x', { type: 'DeactivatePerson', data: { reason: 'left' } }, ADMIN)).ok).toBe(true);
    const again = await registerPerson(identity, { personId: 'u-y', username: 'xavier', name: 'Xavier Two' }, ADMIN);
    expect(again.ok ? 'accepted' : again.refusal.code).toBe('username_taken');
    // The refusal is recorded like every refused command.
    const refusals = await dbs!.events.readStream('refusals-S1');
    expect(refusals.at(-1)?.data).toMatchObject({ subject: 'person-u-y', command: 'RegisterPerson', code: 'username_taken' });
    expect(await identity.store.credentialOf('u-y')).toBeUndefined();
  });

  it('sees people registered straight through the engine', async () => {
    const identity = await setUp();
    expect((await executeCommand(identity.engine, 'person', 'u-z', { type: 'RegisterPerson', data: { personId: 'u-z', username: 'zed', name: 'Zed' } }, ADMIN)).ok).toBe(true);
    const clash = await registerPerson(identity, { personId: 'u-w', username: 'ZED', name: 'Another Zed' }, ADMIN);
    expect(clash.ok ? 'accepted' : clash.refusal.code).toBe('username_taken');
  });

  it('frees the claim when the registration itself is refused, and a retry of the same registration is fine', async () => {
    const identity = await setUp();
    const operator: Actor = { ...ADMIN, id: 'u-op', roles: ['operator'] };
    const refused = await registerPerson(identity, { personId: 'u-a', username: 'anna', name: 'Anna' }, operator);
    expect(refused.ok ? 'accepted' : refused.refusal.code).toBe('role_not_permitted');
    expect(await identity.store.credentialByUsername('anna')).toBeUndefined();
    expect((await registerPerson(identity, { personId: 'u-a', username: 'anna', name: 'Anna', accountKind: 'generic' }, ADMIN)).ok).toBe(true);
    expect(await identity.store.credentialOf('u-a')).toMatchObject({ username: 'anna', accountKind: 'generic' });
    const twice = await registerPerson(identity, { personId: 'u-a', username: 'anna', name: 'Anna' }, ADMIN);
    expect(twice.ok ? 'accepted' : twice.refusal.code).toBe('already_registered');
    expect(await identity.store.credentialOf('u-a')).toBeDefined();
  });
});
