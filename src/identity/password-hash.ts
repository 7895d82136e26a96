/**
 * Password hashing: Argon2id with the OWASP minimum (m=19456 KiB, t=2, p=1; OWASP Password Storage Cheat
 * Sheet, ASVS 5.0 V11.4.2) and a random 16-byte salt per hash, all recorded in the PHC string it returns.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { normalisePassword } from './password-policy.ts';

/** @node-rs/argon2 declares Algorithm as a const enum, which isolated modules cannot read: 2 is Argon2id. */
const ARGON2ID = 2 as Algorithm;

export const ARGON2_PARAMETERS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The PHC string of a (normalised) password. */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalisePassword(password), ARGON2_PARAMETERS);
}

/** Whether a password matches a stored hash; a damaged hash matches nothing. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, normalisePassword(password));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Verifies against a hash of nothing anyone knows, so that an unknown username or a locked account costs
 * the same time as a wrong password and timing does not tell them apart.
 */
export async function verifyDummy(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(await dummy, password);
}
