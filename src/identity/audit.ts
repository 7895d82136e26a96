/**
 * Security-relevant facts, appended to the ledger in the stream `security` (ASVS 5.0 V16.3): who signed
 * in, failed, was locked out or unlocked, whose session ended and why, who set a password, whose
 * signature's re-authentication failed, which API tokens were issued and revoked. Never a secret: no
 * password, hash, session id or token. A session is named by `session`, the first 16 hex digits of the
 * SHA-256 of its id, which correlates events without letting anyone use it.
 */
import type { EventStore } from '../store/event-store.ts';
import type { SessionEndReason } from './session-rules.ts';

export const SECURITY_STREAM = 'security';
/** The actor of facts no signed-in person caused (a failed sign-in, an expired session found by the sweep). */
export const IDENTITY_ACTOR = 'system:identity';

type Event<T extends string, D> = { readonly type: T; readonly data: D };

export type LoginFailureReason = 'unknown_user' | 'no_password' | 'wrong_password' | 'locked' | 'deactivated' | 'no_role_at_site' | 'site_required';
export type ReauthenticationPurpose = 'signature' | 'esignature_acknowledgement' | 'password_change';

export type SecurityEvent =
  | Event<'LoginSucceeded', { personId: string; username: string; site: string; session: string; address?: string }>
  | Event<
      'LoginFailed',
      { username: string; reason: LoginFailureReason; personId?: string; site?: string; failedCount?: number; address?: string }
    >
  | Event<'AccountLocked', { personId: string; username: string; lockedUntil: string | null; failedCount: number; by: 'login' | ReauthenticationPurpose }>
  | Event<'AccountUnlocked', { personId: string; username: string; site: string; by: string }>
  | Event<'SessionEnded', { personId: string; site: string; session: string; reason: SessionEndReason }>
  | Event<'SessionRotated', { personId: string; site: string; from: string; to: string; reason: 'signature' }>
  | Event<'PasswordSet', { personId: string; username: string; kind: 'initial' | 'reset' | 'changed'; by: string; mustChange: boolean }>
  | Event<
      'SignatureFailed',
      { personId: string; site: string; purpose: Exclude<ReauthenticationPurpose, 'password_change'>; reason: 'wrong_password' | 'locked'; failedCount: number; meaning?: string; recordHash?: string }
    >
  | Event<'PasswordChangeFailed', { personId: string; site: string; reason: 'wrong_password' | 'locked'; failedCount: number }>
  | Event<'ApiTokenIssued', { tokenId: string; personId: string; site: string; role: string; label: string; expiresAt: string | null; by: string }>
  | Event<'ApiTokenRevoked', { tokenId: string; personId: string; site: string; by: string }>;

/** The name a session goes by in the audit trail. */
export function sessionRef(idHash: string): string {
  return idHash.slice(0, 16);
}

/** Appends security facts as one command (no expected version: the stream only grows). */
export async function appendSecurityEvents(events: Pick<EventStore, 'append'>, actor: string, facts: readonly SecurityEvent[]): Promise<void> {
  if (facts.length === 0) return;
  await events.append({ streamId: SECURITY_STREAM, events: facts, expectedVersion: 'any', actor });
}
