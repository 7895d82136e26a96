/**
 * Sign-ins for the demo people. Each install draws its own passwords (nothing guessable ships in the
 * repository); they are kept in the data folder (owner-only) so the console and the login page can show them
 * on every start — in demo mode only. A production server (BES_DEMO=false) never creates or shows them.
 */
import { randomInt } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Identity } from '../identity/identity.ts';
import { hashPassword } from '../identity/password-hash.ts';
import { checkPassword } from '../identity/password-policy.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import { STAFF } from './plant.ts';
import { DEMO_EXTRA_STAFF, DEMO_SITE } from './seed.ts';

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export interface DemoAccounts {
  readonly site: string;
  readonly people: readonly DemoAccount[];
}

const WORDS = ['tablet', 'granule', 'blender', 'press', 'batch', 'dryer', 'sieve', 'punch', 'coater', 'capsule', 'scale', 'hopper', 'turret', 'dosage', 'binder', 'lactose'];

/** A password easy to type on a tablet and in no common-password list: two words and four digits. */
function drawPassword(username: string): string {
  for (;;) {
    const candidate = `${WORDS[randomInt(WORDS.length)]}-${WORDS[randomInt(WORDS.length)]}-${randomInt(1000, 10_000)}`;
    if (checkPassword(candidate, username) === undefined) return candidate;
  }
}

export const demoAccountsFile = (dataDir: string) => join(dataDir, 'demo-accounts.json');

/** Gives every demo person a credential and a password; returns what to show. */
export async function provisionDemoAccounts(identity: Identity, dataDir: string): Promise<DemoAccounts> {
  const people: DemoAccount[] = [];
  for (const member of [...STAFF, ...DEMO_EXTRA_STAFF]) {
    const person = (await identity.engine.load<PersonState>('person', member.id)).state;
    const claim = await identity.store.reserveUsername({ personId: member.id, username: person.username, accountKind: 'personal', createdAt: identity.now().toISOString() });
    if (claim !== 'reserved' && claim !== 'already_reserved') throw new Error(`demo account ${person.username}: ${claim}`);
    const password = drawPassword(person.username);
    await identity.store.setPassword(member.id, await hashPassword(password), identity.now().toISOString(), false);
    await identity.audit('system:demo', { type: 'PasswordSet', data: { personId: member.id, username: person.username, kind: 'initial', by: 'system:demo', mustChange: false } });
    people.push({ username: person.username, password, name: person.name, roles: person.roles[DEMO_SITE] ?? [] });
  }
  const accounts: DemoAccounts = { site: DEMO_SITE, people };
  await writeFile(demoAccountsFile(dataDir), `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  return accounts;
}

/** The demo sign-ins written at first start, if this data folder has them. */
export async function readDemoAccounts(dataDir: string): Promise<DemoAccounts | undefined> {
  try {
    return JSON.parse(await readFile(demoAccountsFile(dataDir), 'utf8')) as DemoAccounts;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
