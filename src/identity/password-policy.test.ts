/** The password policy, case by case, and the hash it stores. */
import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { checkPassword, passwordLength } from './password-policy.ts';

const cases: { name: string; password: string; username?: string; code: string | undefined }[] = [
  { name: 'empty', password: '', code: 'password_too_short' },
  { name: '7 characters', password: 'x7Kp2qz', code: 'password_too_short' },
  { name: '8 characters, no digits or capitals needed', password: 'plumvale', code: undefined },
  { name: 'a passphrase with spaces', password: 'correct horse battery staple', code: undefined },
  { name: '4 emoji + 3 letters are 7 code points, not 15 UTF-16 units', password: '\u{1F600}\u{1F601}\u{1F602}\u{1F603}abc', code: 'password_too_short' },
  { name: 'decomposed accents count once each after NFC (8 code points)', password: 'cafe\u0301cafe\u0301', code: undefined },
  { name: '128 characters', password: 'k'.repeat(60) + 'm'.repeat(68), code: undefined },
  { name: '129 characters', password: 'k'.repeat(129), code: 'password_too_long' },
  { name: 'a common password', password: 'password1', code: 'password_common' },
  { name: 'a common password in other case', password: 'PassWord1', code: 'password_common' },
  { name: 'another common one', password: 'qwertyuiop', code: 'password_common' },
  { name: 'the username', password: 'janedoe1', username: 'JaneDoe1', code: 'password_is_username' },
  { name: 'containing the username', password: 'my-jdoe-secret', username: 'jdoe', code: 'password_contains_username' },
  { name: 'a two-letter username is only refused when equal', password: 'bo-is-my-name', username: 'bo', code: undefined },
];

describe('password policy', () => {
  it.each(cases)('$name → $code', ({ password, username, code }) => {
    expect(checkPassword(password, username ?? 'someone')?.code).toBe(code);
  });

  it('says what is wrong in a sentence', () => {
    expect(checkPassword('short', 'x')?.message).toBe(
      'The password must have at least 8 characters; this one has 5. A passphrase of 15 characters or more is best',
    );
    expect(checkPassword('k'.repeat(200), 'x')).toMatchObject({ message: 'The password can have at most 128 characters; this one has 200', details: { maxLength: 128, length: 200 } });
  });

  it('counts code points after NFC', () => {
    expect(passwordLength('\u{1F600}')).toBe(1);
    expect(passwordLength('e\u0301')).toBe(1);
  });
});

describe('password hashing', () => {
  it('stores Argon2id with m=19456 KiB, t=2, p=1 and a salt of its own', async () => {
    const a = await hashPassword('plumvale orchard');
    const b = await hashPassword('plumvale orchard');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(parseOptions(a)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1, saltLen: 16 });
  });

  it('verifies the same password in either Unicode form, and nothing else', async () => {
    const stored = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword(stored, 'cafe\u0301 au lait')).toBe(true);
    expect(await verifyPassword(stored, 'Caf\u00e9 au lait')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });
});
