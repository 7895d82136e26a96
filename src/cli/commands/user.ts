/**
 * `bes user add`: creates a person with a role and a password, through the engine as the system (the way
 * the first admin of a new installation comes to exist). `bes user password`: sets the password of an
 * existing account from the server (recovery). The password policy applies; the password comes from stdin
 * (--password-stdin) or is typed at a prompt that does not echo it.
 */
import { Command, Option } from 'commander';
import type { Actor } from '../../domain/shared/decider.ts';
import { GMP_ROLES, isRole, ROLES } from '../../domain/resources/roles.ts';
import { createEngine } from '../../engine/engine.ts';
import { executeCommand } from '../../engine/resource-commands.ts';
import { createIdentity } from '../../identity/identity.ts';
import { hashPassword } from '../../identity/password-hash.ts';
import { checkPassword } from '../../identity/password-policy.ts';
import { registerPerson } from '../../identity/register-person.ts';
import { endSessionsOf } from '../../identity/sessions.ts';
import { openIdentityStore } from '../../identity/store/open-identity-store.ts';
import { openStore } from '../../store/open-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';

interface AddOptions extends StoreCliOptions {
  readonly username: string;
  readonly name: string;
  readonly site: string;
  readonly role: string[];
  readonly id?: string;
  readonly generic?: boolean;
  readonly passwordStdin?: boolean;
}

/** A usage problem: the command line cannot work as given (exit 2). */
class UsageError extends Error {}

/** Everything on stdin, without the one line break a shell or `echo` adds. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(options: { passwordStdin?: boolean }): Promise<string> {
  if (options.passwordStdin) return readStdin();
  if (!process.stdin.isTTY) throw new UsageError('no terminal to type the password at: pipe it in with --password-stdin');
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Password again: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

/** The password, read and checked against the policy; undefined (with the exit code set) when there is none to use. */
async function passwordOrExit(options: { passwordStdin?: boolean }, username: string, setExit: (code: number) => void): Promise<string | undefined> {
  let password: string;
  try {
    password = await readPassword(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bes user: ${error.message}`);
    setExit(2);
    return undefined;
  }
  const policy = checkPassword(password, username);
  if (policy) {
    console.error(`bes user: [${policy.code}] ${policy.message}`);
    setExit(1);
    return undefined;
  }
  return password;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** What is wrong with the roles asked for, checked before anything is written (no half-made person). */
function usageProblem(options: AddOptions): string | undefined {
  if (options.role.length === 0) return 'give at least one --role';
  const unknown = options.role.find((r) => !isRole(r));
  if (unknown !== undefined) return `there is no role "${unknown}"; roles are ${ROLES.join(', ')}`;
  if (options.role.includes('admin') && options.role.some((r) => (GMP_ROLES as readonly string[]).includes(r)))
    return 'the admin role and the GMP roles (operator, supervisor, qa, qa-lead) are never held together at one site';
  return undefined;
}

export function userCommand(setExit: (code: number) => void): Command {
  const add = withStoreOptions(new Command('add'))
    .description('add a person with roles at a site and a password (the password policy applies)')
    .requiredOption('--username <username>', 'their username (never reused, even after deactivation)')
    .requiredOption('--name <name>', 'their printed name, as on signatures')
    .requiredOption('--site <site>', 'the site where they get their roles')
    .addOption(new Option('--role <role>', 'a role at the site (repeat for more): operator, supervisor, qa, qa-lead, engineer, maintenance, leader, admin').argParser(collect).default([]))
    .option('--id <personId>', 'their person id (default: the username)')
    .option('--generic', 'a shared account: it can only read')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .exitOverride()
    .action(async (options: AddOptions) => {
      const usage = usageProblem(options);
      if (usage) {
        console.error(`bes user add: ${usage}`);
        setExit(2);
        return;
      }
      const password = await passwordOrExit(options, options.username, setExit);
      if (password === undefined) return;
      const config = configFrom(options);
      const store = await openStore(config);
      const identityStore = await openIdentityStore(config);
      try {
        const engine = createEngine({ store });
        const identity = createIdentity({ store: identityStore, engine });
        const personId = options.id ?? options.username;
        const system: Actor = { id: 'system:cli', name: 'bes user add', site: options.site, roles: ['admin'] };
        const steps: [string, () => Promise<{ ok: boolean; refusal?: { code: string; message: string } }>][] = [
          ['registering', () => registerPerson(identity, { personId, username: options.username, name: options.name, accountKind: options.generic ? 'generic' : 'personal' }, system)],
          ...options.role.map((role): [string, () => ReturnType<typeof executeCommand>] => [
            `granting ${role}`,
            () => executeCommand(engine, 'person', personId, { type: 'GrantRole', data: { site: options.site, role } }, system),
          ]),
        ];
        for (const [what, run] of steps) {
          const outcome = await run();
          if (!outcome.ok) {
            console.error(`bes user add: ${what} was refused: [${outcome.refusal!.code}] ${outcome.refusal!.message}`);
            setExit(1);
            return;
          }
        }
        await identityStore.setPassword(personId, await hashPassword(password), identity.now().toISOString(), false);
        await identity.audit(system.id, { type: 'PasswordSet', data: { personId, username: options.username, kind: 'initial', by: system.id, mustChange: false } });
        console.log(`added ${options.username} (${personId}) with ${options.role.join(', ')} at site ${options.site}`);
      } finally {
        await identityStore.close();
        await store.close();
      }
    });
  const password = withStoreOptions(new Command('password'))
    .description("set a person's password from the server (recovery: a forgotten admin password, a restored backup); clears a lockout and ends their sessions")
    .requiredOption('--username <username>', 'whose password')
    .option('--temporary', 'they must choose their own at their next sign-in')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .exitOverride()
    .action(async (options: StoreCliOptions & { username: string; temporary?: boolean; passwordStdin?: boolean }) => {
      const secret = await passwordOrExit(options, options.username, setExit);
      if (secret === undefined) return;
      const config = configFrom(options);
      const store = await openStore(config);
      const identityStore = await openIdentityStore(config);
      try {
        const identity = createIdentity({ store: identityStore, engine: createEngine({ store }) });
        const credential = await identityStore.credentialByUsername(options.username);
        const person = credential === undefined ? undefined : await identity.person(credential.personId);
        if (credential === undefined || person === undefined || !person.active) {
          console.error(`bes user password: there is no active account ${options.username}`);
          setExit(1);
          return;
        }
        await identityStore.setPassword(credential.personId, await hashPassword(secret), identity.now().toISOString(), options.temporary === true);
        const by = 'system:cli';
        await identity.audit(by, { type: 'PasswordSet', data: { personId: credential.personId, username: credential.username, kind: 'reset', by, mustChange: options.temporary === true } });
        await endSessionsOf(identity, credential.personId, 'password_changed', { actor: by });
        console.log(`password of ${credential.username} (${credential.personId}) set${options.temporary ? '; to be changed at the next sign-in' : ''}`);
      } finally {
        await identityStore.close();
        await store.close();
      }
    });
  return new Command('user').description('manage the people who sign in to OpenBES').addCommand(add).addCommand(password);
}
