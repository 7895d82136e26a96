/**
 * What a password must be (NIST SP 800-63B §3.1.1.2, OWASP ASVS 5.0 V6.2): long enough, not one of the
 * passwords attackers try first, not the username; no composition rules (they make passwords worse, not
 * stronger), any Unicode character allowed, spaces included. Passwords are compared after NFC normalisation
 * so the same word typed on two keyboards is the same password.
 */
import type { Refusal } from '../domain/shared/refusal.ts';
import { isCommonPassword } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 8;
/** What we tell people to aim for; not enforced. */
export const PASSWORD_RECOMMENDED_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 128;
/** Shorter usernames would forbid too many passwords by containment; equality is still refused. */
const USERNAME_CONTAINMENT_MIN = 3;

/** The form a password is hashed and compared in. */
export function normalisePassword(password: string): string {
  return password.normalize('NFC');
}

/** Length in Unicode code points, as a person counts what they typed (an emoji is one). */
export function passwordLength(password: string): number {
  return [...normalisePassword(password)].length;
}

/**
 * Refuses a new password that breaks the policy: `password_too_short`, `password_too_long`,
 * `password_common`, `password_is_username`, `password_contains_username`.
 */
export function checkPassword(password: string, username: string): Refusal | undefined {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH)
    return refusal(
      'password_too_short',
      `The password must have at least ${PASSWORD_MIN_LENGTH} characters; this one has ${length}. A passphrase of ${PASSWORD_RECOMMENDED_LENGTH} characters or more is best`,
      { minLength: PASSWORD_MIN_LENGTH, length },
    );
  if (length > PASSWORD_MAX_LENGTH)
    return refusal('password_too_long', `The password can have at most ${PASSWORD_MAX_LENGTH} characters; this one has ${length}`, {
      maxLength: PASSWORD_MAX_LENGTH,
      length,
    });
  const lower = normalised.toLowerCase();
  const user = username.normalize('NFC').toLowerCase();
  if (user !== '' && lower === user) return refusal('password_is_username', 'The password cannot be your username', {});
  if ([...user].length >= USERNAME_CONTAINMENT_MIN && lower.includes(user))
    return refusal('password_contains_username', 'The password cannot contain your username', {});
  if (isCommonPassword(lower))
    return refusal('password_common', 'This password is on the list of passwords attackers try first; choose another, such as a few unrelated words', {});
  return undefined;
}

function refusal(code: string, message: string, details: Record<string, unknown>): Refusal {
  return { code, message, details };
}
