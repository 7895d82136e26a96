/**
 * The random secrets of identity: session ids and CSRF tokens (256 bits each, ASVS 5.0 V7.2.3 asks for
 * at least 128) and API tokens; only their SHA-256 is stored, so a copy of the tables opens no session.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the tables keep of a secret: hex SHA-256. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** API tokens carry a prefix, so leaked ones are recognisable to secret scanners and to people. */
export const TOKEN_PREFIX = 'bes_';

export function newApiToken(): string {
  return `${TOKEN_PREFIX}${newSecret()}`;
}

/** Whether a text has the shape of an API token (the prefix and 43 base64url characters). */
export function looksLikeApiToken(text: string): boolean {
  return /^bes_[A-Za-z0-9_-]{43}$/.test(text);
}
