import { describe, expect, it } from 'vitest';
import { signerProblemStatus } from './signing.ts';

describe('a signer refusal', () => {
  it('asks to sign in again (401) when it is about the session, and is a 422 otherwise', () => {
    const refusal = (code: string) => ({ code, message: '', details: {} });
    expect(signerProblemStatus(refusal('session_expired'))).toBe(401);
    expect(signerProblemStatus(refusal('unauthenticated'))).toBe(401);
    expect(signerProblemStatus(refusal('signature_password_wrong'))).toBe(422);
    expect(signerProblemStatus(refusal('account_locked'))).toBe(422);
  });
});
