/**
 * FOR TESTS ONLY — never wired into `bes serve`. A signer that accepts one fixed password for everyone and
 * binds the signature to the record hash it is given, as the identity module's signer does.
 */
import type { Signer } from '../principal.ts';

export const TEST_SIGNING_PASSWORD = 'correct horse battery staple';

/** Every signature made, without passwords: what a test may assert about the calls. */
export interface SigningLog {
  readonly calls: { personId: string; meaning: string; recordHash: string; ok: boolean }[];
}

export function createTestSigner(log: SigningLog = { calls: [] }): Signer & SigningLog {
  return {
    calls: log.calls,
    async sign(c, request, recordHash) {
      const ok = request.password === TEST_SIGNING_PASSWORD;
      log.calls.push({ personId: c.get('principal').personId, meaning: request.meaning, recordHash, ok });
      if (!ok) return { ok: false, refusal: { code: 'signature_password_wrong', message: 'The password is not correct; nothing was signed.', details: {} } };
      // As the identity module's signer rotates the session cookie, this marks the answer it signed for.
      c.header('x-test-signed', recordHash);
      return { ok: true, signature: { meaning: request.meaning, recordHash } };
    },
  };
}
